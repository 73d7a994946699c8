import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CALLS, SERVICE_NAMES, SERVICES, type ServiceName } from '@eventify/contracts';

/**
 * The generated NetworkPolicies, read as Kubernetes reads them: which pod may open a connection to which. The
 * edges come from evaluating the policy objects against the Deployments' pod labels and ports, never from the
 * call graph the generator used, so a policy that opens too much or too little fails here.
 */
const baseDir = join(new URL('../..', import.meta.url).pathname, 'deploy/k8s/base');
type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port?: number }[];
}
interface Policy {
  metadata: { name: string };
  spec: { podSelector: Selector; policyTypes: string[]; ingress?: Rule[]; egress?: Rule[] };
}

const objects = ['network-policies.yaml', ...SERVICE_NAMES.map((s) => `${s}-service.yaml`), 'gateway.yaml'].flatMap((file) =>
  parseAllDocuments(readFileSync(join(baseDir, file), 'utf8')).map((d) => d.toJS() as Record<string, any>),
);
const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as Policy[];
/** Every pod of the namespace: its labels and the port it serves. */
const pods = objects
  .filter((o) => o.kind === 'Deployment')
  .map((d) => ({
    name: d.metadata.name as string,
    labels: d.spec.template.metadata.labels as Labels,
    port: d.spec.template.spec.containers[0].ports[0].containerPort as number,
  }));

function matches(selector: Selector, labels: Labels): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) =>
    operator === 'In'
      ? values.includes(labels[key]!)
      : operator === 'NotIn'
        ? !values.includes(labels[key]!)
        : operator === 'Exists'
          ? key in labels
          : !(key in labels),
  );
  return byLabels && byExpressions;
}
/** A peer that means a pod of this namespace (no namespaceSelector, no ipBlock). An absent peer list means everyone. */
const admitsPod = (peers: Peer[] | undefined, labels: Labels) =>
  peers === undefined || peers.some((p) => !p.namespaceSelector && !p.ipBlock && matches(p.podSelector ?? {}, labels));
const admitsPort = (rule: Rule, port: number) =>
  !rule.ports?.length || rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port));

/** Allowed in one direction: not isolated by any policy of that type, or some selecting policy's rule admits it. */
function allows(direction: 'Ingress' | 'Egress', pod: Labels, peer: Labels, port: number): boolean {
  const selecting = policies.filter((p) => p.spec.policyTypes.includes(direction) && matches(p.spec.podSelector, pod));
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (direction === 'Ingress' ? p.spec.ingress : p.spec.egress)?.some(
      (rule) => admitsPort(rule, port) && admitsPod(direction === 'Ingress' ? rule.from : rule.to, peer),
    ),
  );
}

it('service → service connections allowed by the NetworkPolicies are exactly the call graph, plus the gateway to every service', () => {
  assert.equal(pods.length, SERVICE_NAMES.length + 1);
  const expected = [
    ...SERVICE_NAMES.map((s) => `gateway → ${s}-service`),
    ...SERVICE_NAMES.flatMap((caller) => CALLS[caller].map((callee) => `${caller}-service → ${callee}-service`)),
  ].sort();
  // Each side on its own (egress of the caller, ingress of the callee): a mistake on one side is not hidden by the other.
  const edges = (allowed: (from: (typeof pods)[number], to: (typeof pods)[number]) => boolean) =>
    pods.flatMap((from) => pods.filter((to) => to !== from && allowed(from, to)).map((to) => `${from.name} → ${to.name}`)).sort();
  assert.deepEqual(
    edges((from, to) => allows('Egress', from.labels, to.labels, to.port)),
    expected,
    'egress',
  );
  assert.deepEqual(
    edges((from, to) => allows('Ingress', to.labels, from.labels, to.port)),
    expected,
    'ingress',
  );
});

it('everything else is denied: default deny, the gateway alone reachable from the ingress controller (and Prometheus on its ops port), DNS, own databases, and the internet only for payment and notification', () => {
  const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
  assert.deepEqual(deny?.spec.policyTypes.sort(), ['Egress', 'Ingress'], 'a default-deny policy for the whole namespace');
  const databasePorts = { mongo: 27017, postgres: 5432, redis: 6379 } as const;
  for (const pod of pods) {
    const own = policies.filter((p) => Object.keys(p.spec.podSelector).length > 0 && matches(p.spec.podSelector, pod.labels));
    // Ingress from outside the namespace: only to the gateway, the ingress controller to its public port and
    // Prometheus to its ops port.
    const foreign = own.flatMap((p) => p.spec.ingress ?? []).filter((r) => r.from?.some((peer) => peer.namespaceSelector || peer.ipBlock));
    const peers = foreign.flatMap((r) =>
      r.from!.map(
        (p) => `${p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']}→${r.ports!.map((port) => port.port).join(',')}`,
      ),
    );
    if (pod.name === 'gateway') assert.deepEqual(peers.sort(), ['ingress-nginx→8080', 'monitoring→9080']);
    else assert.equal(foreign.length, 0, `${pod.name} is reachable from outside the namespace`);
    // Egress by address: its own databases' ports, and the internet (0.0.0.0/0 minus private ranges) only on 443/587.
    const byAddress = own.flatMap((p) => p.spec.egress ?? []).filter((r) => r.to?.some((peer) => peer.ipBlock));
    const service = pod.name === 'gateway' ? undefined : (pod.name.replace(/-service$/, '') as ServiceName);
    const databases = service ? SERVICES[service].databases : (['redis'] as const);
    const internet = byAddress.filter((r) => r.to!.some((peer) => peer.ipBlock!.cidr === '0.0.0.0/0'));
    const wantedInternet = service === 'payment' ? [443] : service === 'notification' ? [443, 587] : [];
    assert.deepEqual(internet.flatMap((r) => r.ports!.map((p) => p.port)).sort(), wantedInternet, `${pod.name}: internet ports`);
    for (const rule of internet)
      assert.ok(
        rule.to!.every((peer) => peer.ipBlock?.except?.includes('10.0.0.0/8')),
        `${pod.name}: the internet rule excludes private ranges`,
      );
    const databaseRules = byAddress.filter((r) => !internet.includes(r));
    assert.deepEqual(
      databaseRules.flatMap((r) => r.ports!.map((p) => p.port)).sort(),
      databases.map((d) => databasePorts[d]).sort(),
      `${pod.name}: database ports`,
    );
  }
  // DNS to kube-dns for every pod, on 53 only.
  const dns = policies.filter((p) => Object.keys(p.spec.podSelector).length === 0 && p.spec.egress);
  assert.deepEqual(dns.flatMap((p) => p.spec.egress!.flatMap((r) => r.ports!.map((port) => `${port.protocol}/${port.port}`))).sort(), [
    'TCP/53',
    'UDP/53',
  ]);
  assert.deepEqual(dns[0]!.spec.egress![0]!.to![0]!.podSelector?.matchLabels, { 'k8s-app': 'kube-dns' });
});
