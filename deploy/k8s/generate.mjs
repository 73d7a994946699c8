#!/usr/bin/env node
// Writes the Kubernetes manifests from the service catalogue, so every service is deployed the same way and a new
// service gets its manifests by being added to the catalogue: the kustomize base (deploy/k8s/base/*.yaml, images
// named without a tag), the overlays that say which images run (deploy/k8s/overlays/dev: tag `dev`, one replica
// each; overlays/production: pinned by digest, filled in by the deploy job with deploy/k8s/pin-images.mjs) and
// the components they use (deploy/k8s/components). docs/deployment.md.
// Usage: node deploy/k8s/generate.mjs           (write)
//        node deploy/k8s/generate.mjs --check   (exit 1 if the committed files differ; used by the tests)
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const root = new URL('../..', import.meta.url).pathname;
// The catalogue (packages/contracts/src/services.ts) compiled by `tsc -b`.
const { SERVICES, CALLS, serviceUrlEnvVar, serviceIdentity, REDIS_CLIENTS, redisAclRules, redisUsername } = await import(
  join(root, 'packages/contracts/dist/index.js')
);

const NAMESPACE = 'eventify';
const REGISTRY = 'ghcr.io/eventify';
const labels = (name) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'eventify' });

/**
 * Per service: replicas, the keys of its own Secret `<name>-secrets` (each its own database user's URL and its
 * own keys; no pod reads another's), and where outside the cluster it may connect (besides its databases).
 * Databases are managed services (docs/deployment.md).
 */
const SPECIFIC = {
  auth: {
    replicas: 2,
    secrets: ['MONGO_URL', 'EVENTIFY_ADMIN_EMAIL', 'EVENTIFY_ADMIN_PASSWORD', 'AUTH_KEY_ENCRYPTION_KEY', 'RESET_TOKEN_SEAL_KEY'],
  },
  user: { replicas: 2, secrets: ['MONGO_URL'] },
  event: { replicas: 2, secrets: ['MONGO_URL'] },
  booking: { replicas: 3, secrets: ['MONGO_URL'] },
  // Stripe's API over HTTPS.
  payment: { replicas: 2, secrets: ['DATABASE_URL', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'], internet: [443] },
  approval: { replicas: 2, secrets: ['MONGO_URL'] },
  qr: { replicas: 2, secrets: ['MONGO_URL', 'QR_SIGNING_SECRET'] },
  // The mail provider (SMTP submission, STARTTLS) and Expo's push service (HTTPS).
  notification: { replicas: 2, secrets: ['MONGO_URL', 'SMTP_URL', 'RESET_TOKEN_SEAL_KEY'], internet: [443, 587] },
};

/**
 * Where the managed databases are: private endpoints (VPC peering / PrivateLink) in these ranges, so egress
 * to them is by address and port (a NetworkPolicy cannot name a host outside the cluster). Set them to your
 * network's; docs/security.md#network-policies.
 */
const DATA_NETWORKS = {
  mongo: { cidr: '10.200.0.0/24', port: 27017 },
  postgres: { cidr: '10.200.1.0/24', port: 5432 },
  redis: { cidr: '10.200.2.0/24', port: 6379 },
};
/** Where the ingress controller runs (ingress-nginx's default install). */
const INGRESS_CONTROLLER = { namespace: 'ingress-nginx', name: 'ingress-nginx' };
/** Where Prometheus runs (kube-prometheus-stack's defaults): it alone reaches the gateway's ops port. */
const PROMETHEUS = { namespace: 'monitoring', name: 'prometheus' };
/** Where traces go (the OpenTelemetry Collector's Helm chart defaults, OTLP over HTTP): every deployable may reach it. */
const OTEL_COLLECTOR = { namespace: 'observability', name: 'opentelemetry-collector', port: 4318 };

// Every deployable's internal certificate (cert-manager's Secret <name>-mtls), mounted where MTLS_DIR says.
const MTLS_DIR = '/etc/eventify/mtls';
const mtlsSecret = (name) => `${name}-mtls`;

/**
 * Probes. A service speaks mutual TLS only and the kubelet cannot present a client certificate, so a service is
 * probed from inside its container with its own certificate (kit's self-request.js, a plain node:https request);
 * the gateway's port is plain HTTP behind the ingress and keeps HTTP probes.
 */
function probe(path, mtls, timing) {
  const action = mtls
    ? { exec: { command: ['node', 'packages/kit/dist/tls/self-request.js', path] }, timeoutSeconds: 5 }
    : { httpGet: { path, port: 'http' } };
  return { ...action, ...timing };
}

function container(name, port, env, { mtls, extraPorts = [] }) {
  return {
    name,
    // No tag here: an overlay says which build runs (overlays/production by digest, overlays/dev the `dev` tag).
    image: `${REGISTRY}/${name}`,
    ports: [{ name: mtls ? 'https' : 'http', containerPort: port }, ...extraPorts],
    envFrom: [{ configMapRef: { name: 'eventify-config' } }],
    env: [{ name: 'PORT', value: String(port) }, { name: 'HOST', value: '0.0.0.0' }, ...env],
    volumeMounts: [{ name: 'mtls', mountPath: MTLS_DIR, readOnly: true }],
    readinessProbe: probe('/readyz', mtls, { periodSeconds: 10, failureThreshold: 3 }),
    livenessProbe: probe('/healthz', mtls, { periodSeconds: 20, failureThreshold: 3 }),
    startupProbe: probe('/healthz', mtls, { periodSeconds: 2, failureThreshold: 60 }),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '384Mi' } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
  };
}

function deployment(name, replicas, port, env, { mtls = true, extraPorts = [], podAnnotations } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels: labels(name) },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(name), ...(podAnnotations ? { annotations: podAnnotations } : {}) },
        spec: {
          // Services finish in-flight requests on SIGTERM; the gateway stops sending first (readiness).
          terminationGracePeriodSeconds: 20,
          automountServiceAccountToken: false,
          // fsGroup: the certificate's files (0440) are readable by the app's group, not by anyone else.
          securityContext: { seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 1000 },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
            },
          ],
          containers: [container(name, port, env, { mtls, extraPorts })],
          volumes: [{ name: 'mtls', secret: { secretName: mtlsSecret(name), defaultMode: 0o440 } }],
        },
      },
    },
  };
}

const service = (name, port, portName = 'https') => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: NAMESPACE, labels: labels(name) },
  spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: portName, port, targetPort: portName }] },
});

const pdb = (name) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: NAMESPACE, labels: labels(name) },
  spec: { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
});

const hpa = (name, min, max) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: NAMESPACE, labels: labels(name) },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
    minReplicas: min,
    maxReplicas: max,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  },
});

/**
 * An environment variable from the deployable's own Secret, `<deployable>-secrets`, key named like the variable:
 * a pod reads only its own credentials (its REDIS_URL carries its own Redis user, its MONGO_URL its own database user).
 */
const secretEnv = (deployable) => (name) => ({ name, valueFrom: { secretKeyRef: { name: `${deployable}-secrets`, key: name } } });

const files = {};
files['namespace.yaml'] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
];
const config = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  REDIS_NAMESPACE: 'eventify',
  JWT_ISSUER: 'eventify-auth',
  JWT_AUDIENCE: 'eventify',
  AUTH_JWKS_URL: `https://auth-service:${SERVICES.auth.port}/auth/.well-known/jwks.json`,
  MTLS_DIR,
  // Traces (docs/observability.md): every process exports to the collector; unset it to export nothing.
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://${OTEL_COLLECTOR.name}.${OTEL_COLLECTOR.namespace}:${OTEL_COLLECTOR.port}`,
};
for (const s of Object.values(SERVICES)) config[serviceUrlEnvVar(s.name)] = `https://${s.name}-service:${s.port}`;
files['config.yaml'] = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'eventify-config', namespace: NAMESPACE }, data: config }];

for (const s of Object.values(SERVICES)) {
  const name = `${s.name}-service`;
  const env = ['REDIS_URL', ...SPECIFIC[s.name].secrets].map(secretEnv(name));
  files[`${name}.yaml`] = [deployment(name, SPECIFIC[s.name].replicas, s.port, env), service(name, s.port), pdb(name)];
}
files['booking-service.yaml'].push(hpa('booking-service', 3, 12));

// The gateway's ops listener: /metrics (scraped by Prometheus at the pod's address) and /readyz/services. Its
// Service exposes only the public port, so the ingress can never route to it.
const GATEWAY_OPS_PORT = 9080;
const gatewayEnv = [
  secretEnv('gateway')('REDIS_URL'),
  // The ingress controller is the one proxy in front: it appends the address it saw to X-Forwarded-For.
  { name: 'TRUST_PROXY', value: '1' },
  { name: 'OPS_PORT', value: String(GATEWAY_OPS_PORT) },
  { name: 'OPS_HOST', value: '0.0.0.0' },
  // One process per pod: a pod is given about one core, and the HorizontalPodAutoscaler adds pods.
  { name: 'GATEWAY_WORKERS', value: '1' },
];
files['gateway.yaml'] = [
  deployment('gateway', 2, 8080, gatewayEnv, {
    mtls: false,
    extraPorts: [{ name: 'ops', containerPort: GATEWAY_OPS_PORT }],
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(GATEWAY_OPS_PORT), 'prometheus.io/path': '/metrics' },
  }),
  service('gateway', 8080, 'http'),
  pdb('gateway'),
  hpa('gateway', 2, 10),
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'eventify', namespace: NAMESPACE, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['api.eventify.example'], secretName: 'eventify-tls' }],
      rules: [
        {
          host: 'api.eventify.example',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { number: 8080 } } } }] },
        },
      ],
    },
  },
];
// The Redis users to create on the Redis server (a managed one usually): per user its ACL rules, without the
// password (docs/deployment.md, "Redis users"). The same rules as compose, npm start and the tests.
files['redis-acl.yaml'] = [
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'eventify-redis-acl', namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'eventify' } },
    data: Object.fromEntries(
      REDIS_CLIENTS.map((who) => [redisUsername(config.REDIS_NAMESPACE, who), redisAclRules(config.REDIS_NAMESPACE, who).join(' ')]),
    ),
  },
];
files['internal-pki.yaml'] = internalPki([...Object.values(SERVICES).map((s) => [s.name, `${s.name}-service`]), ['gateway', 'gateway']]);

files['network-policies.yaml'] = networkPolicies();
files['kustomization.yaml'] = [
  {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: NAMESPACE,
    resources: Object.keys(files).sort(),
  },
];

/**
 * Default deny, then one policy per deployable that opens exactly its edges: ingress to a service from the
 * gateway and the services that call it (CALLS), to the gateway from the ingress controller; egress to the
 * services it calls, its own databases (by address: they are managed, outside the cluster), the trace collector, and
 * for payment and notification the internet on their ports only. DNS for every pod. Pods are chosen by app.kubernetes.io/name.
 */
function networkPolicies() {
  const policy = (name, spec) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'eventify' } },
    spec,
  });
  const pods = (name) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } });
  const tcp = (port) => ({ protocol: 'TCP', port });
  const host = (name) => `${name}-service`;
  const callersOf = (service) => Object.keys(CALLS).filter((caller) => CALLS[caller].includes(service));
  const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
  const egress = (name, service) => [
    ...(service ? CALLS[service] : Object.keys(SERVICES)).map((callee) => ({
      to: [pods(host(callee))],
      ports: [tcp(SERVICES[callee].port)],
    })),
    ...(service ? SERVICES[service].databases : ['redis']).map((db) => ({
      to: [{ ipBlock: { cidr: DATA_NETWORKS[db].cidr } }],
      ports: [tcp(DATA_NETWORKS[db].port)],
    })),
    ...(service && SPECIFIC[service].internet
      ? [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: privateRanges } }], ports: SPECIFIC[service].internet.map(tcp) }]
      : []),
    {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OTEL_COLLECTOR.namespace } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': OTEL_COLLECTOR.name } },
        },
      ],
      ports: [tcp(OTEL_COLLECTOR.port)],
    },
  ];
  return [
    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy('dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [{ protocol: 'UDP', port: 53 }, tcp(53)],
        },
      ],
    }),
    policy('gateway', {
      ...pods('gateway'),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': INGRESS_CONTROLLER.namespace } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': INGRESS_CONTROLLER.name } },
            },
          ],
          ports: [tcp(8080)],
        },
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': PROMETHEUS.namespace } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': PROMETHEUS.name } },
            },
          ],
          ports: [tcp(GATEWAY_OPS_PORT)],
        },
      ],
      egress: egress('gateway'),
    }),
    ...Object.values(SERVICES).map((s) =>
      policy(host(s.name), {
        ...pods(host(s.name)),
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: ['gateway', ...callersOf(s.name).map(host)].map(pods), ports: [tcp(s.port)] }],
        egress: egress(host(s.name), s.name),
      }),
    ),
  ];
}

/**
 * The internal PKI, issued by cert-manager: a self-signed root makes the namespace's own CA (Secret
 * eventify-internal-ca), whose Issuer signs one certificate per deployable: URI SAN spiffe://eventify/<name> (the
 * identity the services check), the Service's DNS names, server and client auth, ECDSA P-256, a new key on every
 * renewal (the CA keeps its key). 30 days, renewed 10 days before; the pods read the renewed Secret without a restart.
 */
function internalPki(deployables) {
  const meta = (name) => ({ name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'eventify' } });
  const issuerRef = (name) => ({ name, kind: 'Issuer', group: 'cert-manager.io' });
  const ecdsa = { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' };
  return [
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: meta('eventify-selfsigned'), spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta('eventify-internal-ca'),
      spec: {
        isCA: true,
        commonName: 'Eventify internal CA',
        secretName: 'eventify-internal-ca',
        duration: '43800h',
        renewBefore: '8760h',
        // The same key across renewals: certificates signed before still chain to the renewed CA, and the renewed
        // CA's to the one pods trusted before, so renewing the CA breaks no connection.
        privateKey: { ...ecdsa, rotationPolicy: 'Never' },
        issuerRef: issuerRef('eventify-selfsigned'),
      },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: meta('eventify-internal'),
      spec: { ca: { secretName: 'eventify-internal-ca' } },
    },
    ...deployables.map(([name, host]) => ({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta(mtlsSecret(host)),
      spec: {
        secretName: mtlsSecret(host),
        commonName: name,
        uris: [serviceIdentity(name)],
        dnsNames: [host, `${host}.${NAMESPACE}.svc`, `${host}.${NAMESPACE}.svc.cluster.local`],
        usages: ['digital signature', 'server auth', 'client auth'],
        duration: '720h',
        renewBefore: '240h',
        privateKey: ecdsa,
        issuerRef: issuerRef('eventify-internal'),
      },
    })),
  ];
}

const header = '# Generated by deploy/k8s/generate.mjs from the service catalogue; edit the generator, not this file.\n';
const render = (docs) => header + docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
const k8s = join(root, 'deploy/k8s');
const deploymentNames = Object.values(files)
  .flat()
  .filter((d) => d.kind === 'Deployment')
  .map((d) => d.metadata.name)
  .sort();
const outputs = { base: files, ...overlays(deploymentNames) };
const check = process.argv.includes('--check');
let stale = [];
for (const [dir, dirFiles] of Object.entries(outputs)) {
  mkdirSync(join(k8s, dir), { recursive: true });
  for (const [file, docs] of Object.entries(dirFiles)) {
    const path = join(k8s, dir, file);
    const text = render(docs);
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(`${dir}/${file}`);
    } else writeFileSync(path, text);
  }
}
if (check && stale.length) {
  console.error(`deploy/k8s is out of date (${stale.join(', ')}): run node deploy/k8s/generate.mjs`);
  process.exit(1);
}
export const manifests = files;

/**
 * The overlays, over the base: which images run, and how many. `production` pins every image by digest; the
 * placeholders (sha256:0…0, which no registry has) are filled by the deploy job from the images job's digests
 * (deploy/k8s/pin-images.mjs refuses to leave one). `dev` runs the `dev` tag with one replica of everything (the
 * single-replica component), for a small cluster (kind, minikube) or a shared development namespace.
 */
function overlays(deployables) {
  const kustomization = (spec) => [{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...spec }];
  const replace = (path, value) => [{ op: 'replace', path, value }];
  const patch = (kind, operations) => ({ target: { kind }, patch: stringify(operations, { lineWidth: 0 }) });
  return {
    'components/single-replica': {
      'kustomization.yaml': [
        {
          apiVersion: 'kustomize.config.k8s.io/v1alpha1',
          kind: 'Component',
          patches: [
            patch('Deployment', replace('/spec/replicas', 1)),
            patch('HorizontalPodAutoscaler', replace('/spec/minReplicas', 1)),
            // minAvailable 1 of 1 replica would block every node drain.
            patch('PodDisruptionBudget', [
              { op: 'remove', path: '/spec/minAvailable' },
              { op: 'add', path: '/spec/maxUnavailable', value: 1 },
            ]),
          ],
        },
      ],
    },
    'overlays/dev': {
      'kustomization.yaml': kustomization({
        resources: ['../../base'],
        components: ['../../components/single-replica'],
        images: deployables.map((name) => ({ name: `${REGISTRY}/${name}`, newTag: 'dev' })),
      }),
    },
    'overlays/production': {
      'kustomization.yaml': kustomization({
        resources: ['../../base'],
        images: deployables.map((name) => ({
          name: `${REGISTRY}/${name}`,
          newName: `${REGISTRY}/${name}`,
          digest: `sha256:${'0'.repeat(64)}`,
        })),
      }),
    },
  };
}
