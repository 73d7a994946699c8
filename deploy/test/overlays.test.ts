import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { SERVICE_NAMES } from '@eventify/contracts';
import { validateObject } from './k8s-objects.js';

/**
 * The kustomize overlays as operators apply them: rendered by `kubectl kustomize` (Debian's kubectl builds
 * kustomizations offline, no cluster needed), every object schema-checked, and the images each overlay runs.
 */
const root = new URL('../..', import.meta.url).pathname;
const k8s = join(root, 'deploy/k8s');
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const skip = kubectl.status === 0 ? false : 'kubectl is not installed (apt-get install kubernetes-client): the overlays are not rendered';
const deployables = ['gateway', ...SERVICE_NAMES.map((s) => `${s}-service`)].sort();
type Obj = { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, any> };

function render(dir: string): Obj[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 32 << 20 });
  assert.equal(result.status, 0, `kubectl kustomize ${dir}: ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((d) => d.toJS() as Obj);
}
const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);
const images = (objects: Obj[]) =>
  Object.fromEntries(ofKind(objects, 'Deployment').map((d) => [d.metadata.name, d.spec.template.spec.containers[0].image as string]));

const work = mkdtempSync(join(tmpdir(), 'eventify-overlays-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('kustomize overlays', { skip }, () => {
  it('the base names its images without a tag: an overlay chooses the build', () => {
    for (const [name, image] of Object.entries(images(render(join(k8s, 'base'))))) assert.equal(image, `ghcr.io/eventify/${name}`);
  });

  for (const overlay of ['dev', 'production']) {
    it(`overlays/${overlay} renders to valid Kubernetes objects, every deployable included`, async () => {
      const objects = render(join(k8s, 'overlays', overlay));
      for (const object of objects) await assert.doesNotReject(validateObject(object), `${object.kind} ${object.metadata.name}`);
      assert.deepEqual(Object.keys(images(objects)).sort(), deployables);
      for (const image of Object.values(images(objects))) assert.doesNotMatch(image, /:latest$/);
    });
  }

  it('dev runs the dev tag, one replica of everything, and lets a node drain', () => {
    const objects = render(join(k8s, 'overlays/dev'));
    for (const [name, image] of Object.entries(images(objects))) assert.equal(image, `ghcr.io/eventify/${name}:dev`);
    for (const d of ofKind(objects, 'Deployment')) assert.equal(d.spec.replicas, 1, d.metadata.name);
    for (const h of ofKind(objects, 'HorizontalPodAutoscaler')) assert.equal(h.spec.minReplicas, 1, h.metadata.name);
    for (const p of ofKind(objects, 'PodDisruptionBudget'))
      assert.deepEqual([p.spec.minAvailable, p.spec.maxUnavailable], [undefined, 1], p.metadata.name);
  });

  it("production keeps the base's replicas, resources and autoscaling, and pins every image by digest", () => {
    const base = render(join(k8s, 'base'));
    const production = render(join(k8s, 'overlays/production'));
    const withoutImages = (objects: Obj[]) =>
      JSON.stringify(
        objects.map((o) =>
          o.kind === 'Deployment'
            ? {
                ...o,
                spec: {
                  ...o.spec,
                  template: {
                    ...o.spec.template,
                    spec: {
                      ...o.spec.template.spec,
                      containers: o.spec.template.spec.containers.map((c: object) => ({ ...c, image: '' })),
                    },
                  },
                },
              }
            : o,
        ),
      );
    assert.equal(withoutImages(production), withoutImages(base), 'only the images differ');
    for (const image of Object.values(images(production)))
      assert.match(image, /^ghcr\.io\/eventify\/[a-z-]+@sha256:0{64}$/, 'placeholders until the deploy job pins them');
  });

  it("the deploy job's pinning puts each pushed digest in place, and refuses to leave a placeholder", () => {
    cpSync(k8s, join(work, 'k8s'), { recursive: true });
    const kustomization = join(work, 'k8s/overlays/production/kustomization.yaml');
    const digests = join(work, 'digests');
    mkdirSync(digests);
    const digestOf = (name: string) => `sha256:${Buffer.from(name.padEnd(32, '.')).toString('hex').slice(0, 64)}`;
    for (const name of deployables.filter((n) => n !== 'qr-service')) writeFileSync(join(digests, name), `${digestOf(name)}\n`);
    const pin = () =>
      spawnSync(process.execPath, [join(k8s, 'pin-images.mjs'), kustomization, digests, 'ghcr.io/acme'], { encoding: 'utf8' });
    const before = readFileSync(kustomization, 'utf8');
    const missing = pin();
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /qr-service: no digest/);
    assert.equal(readFileSync(kustomization, 'utf8'), before, 'nothing changed');
    writeFileSync(join(digests, 'qr-service'), 'latest\n');
    assert.match(pin().stderr, /qr-service: not a digest/);
    writeFileSync(join(digests, 'qr-service'), `${digestOf('qr-service')}\n`);
    const pinned = pin();
    assert.equal(pinned.status, 0, pinned.stderr);
    const rendered = images(render(join(work, 'k8s/overlays/production')));
    assert.deepEqual(rendered, Object.fromEntries(deployables.map((name) => [name, `ghcr.io/acme/${name}@${digestOf(name)}`])));
  });
});
