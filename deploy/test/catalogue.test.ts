import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { CALLS, INTERNAL_ROUTES, SERVICE_NAMES, SERVICES, serviceUrlEnvVar } from '@eventify/contracts';
import { productionDeployables } from '../deployables.mjs';

/**
 * One service list: the catalogue (@eventify/contracts). Everything else that names the services is generated
 * from it or checked here against it, following docs/adding-a-service.md's checklist step by step: every service
 * appears in each place, and nothing else does.
 */
const root = new URL('../..', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const upper = (name: string) => name.toUpperCase();
const sorted = (list: Iterable<string>) => [...list].sort();
const names = sorted(SERVICE_NAMES);
const using = (db: 'mongo' | 'postgres') => sorted(SERVICE_NAMES.filter((n) => SERVICES[n].databases.includes(db)));
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Record<string, any>> };
const toolDirs = readdirSync(join(root, 'tools')).filter((t) => existsSync(join(root, 'tools', t, 'src/main.ts')));

const steps: Record<string, () => void | Promise<void>> = {
  Catalogue: async () => {
    assert.deepEqual(sorted(Object.keys(SERVICES)), names);
    for (const name of SERVICE_NAMES) assert.equal(SERVICES[name].name, name);
    // The CI workflow builds and deploys what deploy/deployables.mjs lists, and names no service itself.
    assert.deepEqual(await productionDeployables(), [
      { name: 'gateway', app: 'gateway' },
      ...SERVICE_NAMES.map((n) => ({ name: `${n}-service`, app: `services/${n}` })),
    ]);
    const workflow = read('.github/workflows/ci.yml');
    assert.match(workflow, /run: node deploy\/deployables\.mjs --github-output >> "\$GITHUB_OUTPUT"/);
    assert.match(workflow, /deployable: \$\{\{ fromJSON\(needs\.test\.outputs\.images\) \}\}/);
    const named = SERVICE_NAMES.filter((n) => new RegExp(`\\b${n}-service\\b|services/${n}\\b`).test(workflow));
    assert.deepEqual(named, [], 'the workflow names services itself');
  },
  Package: () => {
    const dirs = readdirSync(join(root, 'services')).filter((d) => existsSync(join(root, 'services', d, 'package.json')));
    assert.deepEqual(sorted(dirs), names);
    for (const name of SERVICE_NAMES) {
      assert.equal(JSON.parse(read(`services/${name}/package.json`)).name, `@eventify/${name}-service`);
      assert.ok(existsSync(join(root, 'services', name, 'src/main.ts')), `services/${name}/src/main.ts`);
    }
  },
  'TypeScript reference': () => {
    const references = (JSON.parse(read('tsconfig.json')) as { references: { path: string }[] }).references.map((r) => r.path);
    assert.deepEqual(
      sorted(references.filter((p) => p.startsWith('services/'))),
      names.map((n) => `services/${n}`),
    );
    for (const path of references) assert.ok(existsSync(join(root, path, 'tsconfig.json')), `${path}/tsconfig.json`);
  },
  'Internal routes and calls': () => {
    assert.deepEqual(sorted(Object.keys(CALLS)), names, 'CALLS has an entry per service');
    for (const name of Object.keys(INTERNAL_ROUTES)) assert.ok(SERVICE_NAMES.includes(name as never), `INTERNAL_ROUTES.${name}`);
    for (const callees of Object.values(CALLS)) for (const callee of callees) assert.ok(SERVICE_NAMES.includes(callee), callee);
  },
  Compose: () => {
    const services = compose.services;
    const apps = Object.fromEntries(
      Object.entries(services)
        .filter(([, s]) => s.build)
        .map(([name, s]) => [name, s.build.args?.APP]),
    );
    const expected = {
      gateway: 'gateway',
      ...Object.fromEntries(SERVICE_NAMES.map((n) => [`${n}-service`, `services/${n}`])),
      ...Object.fromEntries(toolDirs.map((t) => [t, `tools/${t}`])),
    };
    assert.deepEqual(apps, expected, 'the containers built from the Dockerfile, and what each builds');
    // jaeger: only with the `tracing` profile (docs/observability.md).
    assert.deepEqual(sorted(Object.keys(services)), sorted([...Object.keys(expected), 'jaeger', 'mongo', 'postgres', 'redis']));
    const gateway = services.gateway!;
    for (const [container, service] of Object.entries(services).filter(([, s]) => s.build)) {
      assert.equal(service.build.dockerfile, 'Dockerfile', container);
      assert.ok(service.build.args.BASE, `${container}: the BASE build argument`);
    }
    for (const name of SERVICE_NAMES) {
      const container = `${name}-service`;
      const service = services[container]!;
      const env = service.environment as Record<string, string>;
      assert.equal(env.PORT, String(SERVICES[name].port), `${container}: PORT`);
      assert.match(env.REDIS_URL!, new RegExp(`-${name}:\\$\\{REDIS_PASSWORD_${upper(name)}:`), `${container}: its own Redis user`);
      if (SERVICES[name].databases.includes('mongo'))
        assert.match(env.MONGO_URL!, new RegExp(`^mongodb://${name}:.*@mongo:27017/${name}_db$`), `${container}: MONGO_URL`);
      if (SERVICES[name].databases.includes('postgres'))
        assert.match(env.DATABASE_URL!, new RegExp(`^postgres://${name}:.*@postgres:5432/${name}_db$`), `${container}: DATABASE_URL`);
      const mount = (service.volumes as { source: string; target: string; read_only: boolean }[]).find(
        (v) => v.target === '/etc/eventify/mtls',
      );
      assert.ok(mount?.source.endsWith(`/${name}`) && mount.read_only, `${container}: its certificate`);
      assert.ok(Object.keys(gateway.depends_on).includes(container), `gateway depends on ${container}`);
      for (const [who, env2] of [
        ['gateway', gateway.environment],
        [container, env],
      ] as const) {
        for (const other of SERVICE_NAMES)
          assert.equal(
            env2[serviceUrlEnvVar(other)],
            `https://${other}-service:${SERVICES[other].port}`,
            `${who}: ${serviceUrlEnvVar(other)}`,
          );
      }
    }
    const urls = Object.keys(gateway.environment).filter((k) => k.endsWith('_SERVICE_URL'));
    assert.deepEqual(sorted(urls), sorted(SERVICE_NAMES.map(serviceUrlEnvVar)), 'the gateway knows no other service');
  },
  'Database users': () => {
    const initList = /const SERVICES = \[([^\]]*)\]/.exec(read('deploy/compose/mongo-init.js'))?.[1] ?? '';
    assert.deepEqual(sorted([...initList.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!)), using('mongo'), 'deploy/compose/mongo-init.js');
    const mongoEnv = Object.keys(compose.services.mongo!.environment).filter((k) => k.endsWith('_MONGO_PASSWORD'));
    assert.deepEqual(
      sorted(mongoEnv),
      using('mongo').map((n) => `${upper(n)}_MONGO_PASSWORD`),
      'compose: the mongo container',
    );
    const postgresInit = read('deploy/compose/postgres-init.sh');
    for (const name of using('postgres'))
      assert.match(
        postgresInit,
        new RegExp(`create role ${name} .*\\n.*create database ${name}_db owner ${name}`),
        `postgres-init.sh: ${name}`,
      );
    const redisEnv = Object.keys(compose.services.redis!.environment).filter((k) => k.startsWith('REDIS_PASSWORD_'));
    assert.deepEqual(
      sorted(redisEnv),
      sorted([...names, 'gateway'].map((n) => `REDIS_PASSWORD_${upper(n)}`)),
      'compose: the redis container',
    );
  },
  Settings: () => {
    const settings = [...read('.env.example').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    assert.deepEqual(
      sorted(settings.filter((k) => k.endsWith('_MONGO_PASSWORD') && k !== 'MONGO_ROOT_PASSWORD')),
      using('mongo').map((n) => `${upper(n)}_MONGO_PASSWORD`),
    );
    const redis = settings.filter((k) => k.startsWith('REDIS_PASSWORD_'));
    assert.deepEqual(sorted(redis), sorted([...names, 'gateway'].map((n) => `REDIS_PASSWORD_${upper(n)}`)));
  },
  Kubernetes: () => {
    const generated = spawnSync(process.execPath, [join(root, 'deploy/k8s/generate.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(generated.status, 0, generated.stderr);
    const deployables = sorted(['gateway', ...names.map((n) => `${n}-service`)]);
    const base = join(root, 'deploy/k8s/base');
    const deployments = readdirSync(base)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) =>
        parseAllDocuments(readFileSync(join(base, f), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string } }),
      )
      .filter((o) => o.kind === 'Deployment')
      .map((o) => o.metadata.name);
    assert.deepEqual(sorted(deployments), deployables);
    for (const overlay of ['dev', 'production']) {
      const { images } = parse(read(`deploy/k8s/overlays/${overlay}/kustomization.yaml`)) as { images: { name: string }[] };
      assert.deepEqual(sorted(images.map((i) => i.name.split('/').at(-1)!)), deployables, `overlays/${overlay}: images`);
    }
  },
  README: () => {
    const rows = [...read('README.md').matchAll(/^\| (`\/.*`) \| ([a-z]+) \|$/gm)].map((m) => ({ prefixes: m[1]!, service: m[2]! }));
    for (const name of SERVICE_NAMES) {
      const row = rows.find((r) => r.service === name);
      assert.ok(row, `README routing table: ${name}`);
      for (const prefix of SERVICES[name].prefixes) assert.ok(row.prefixes.includes(`\`${prefix}/*\``), `README: ${prefix} → ${name}`);
    }
    assert.deepEqual(sorted(rows.map((r) => r.service)), names, 'the README routes to no other service');
  },
};

it('this test follows docs/adding-a-service.md: one check per checklist step, in its order', () => {
  const titles = [...read('docs/adding-a-service.md').matchAll(/^\d+\. \*\*(.+?)\.\*\*/gm)].map((m) => m[1]);
  assert.deepEqual(titles, Object.keys(steps));
});

for (const [title, check] of Object.entries(steps)) {
  it(`adding a service, step "${title}": every service of the catalogue is there, and nothing else`, check);
}
