#!/usr/bin/env node
// Image build, per deployable (after `npm ci --omit=dev --workspace=<app>`): writes the runtime tree to the
// directory given, which the Dockerfile's last stage copies as a whole:
//   - node_modules (production dependencies of the deployable; workspace packages are links);
//   - package.json, dist/ and node_modules/ (dependencies npm installed inside it) of the deployable and of the
//     workspace packages it depends on (transitively), and
//     whatever else a package.json lists in `files` (the payment service's migrations/), without TypeScript
//     sources, declarations, source maps and readmes (licence files stay);
//   - image.json (what it runs, its port and how its health is checked), main.mjs and healthcheck.mjs.
// The port comes from the service catalogue (@eventify/contracts) for a service, GATEWAY_PORT for the gateway,
// and `eventify.httpPort` in the package.json of anything else (the stand-ins).
// Usage (from the repository root, after tsc -b): node image/prepare.mjs services/booking /out
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [app, out] = process.argv.slice(2);
if (!app || !out) throw new Error('usage: node image/prepare.mjs <app-dir> <out-dir>');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
if (!existsSync(join(app, 'package.json')) || !existsSync(join(app, 'dist/main.js'))) {
  throw new Error(`APP=${app}: not a deployable (needs ${app}/package.json and ${app}/dist/main.js after tsc -b)`);
}

// Workspace packages by name, to follow the deployable's dependencies on them.
const { workspaces = [] } = readJson('package.json');
const folders = workspaces.flatMap((pattern) =>
  pattern.endsWith('/*') ? readdirSync(pattern.slice(0, -2)).map((name) => `${pattern.slice(0, -2)}/${name}`) : [pattern],
);
const byName = new Map(folders.filter((f) => existsSync(join(f, 'package.json'))).map((f) => [readJson(join(f, 'package.json')).name, f]));
const packages = new Set();
const visit = (folder) => {
  if (packages.has(folder)) return;
  packages.add(folder);
  for (const dependency of Object.keys(readJson(join(folder, 'package.json')).dependencies ?? {})) {
    if (byName.has(dependency)) visit(byName.get(dependency));
  }
};
visit(app);

const skip = (file) => /\.([cm]?ts|map)$/.test(file) || (/\.md$/i.test(file) && !/licen[cs]e[^/]*$/i.test(file));
const copy = (path) => cpSync(path, join(out, path), { recursive: true, verbatimSymlinks: true, filter: (f) => !skip(f) });
copy('package.json');
copy('node_modules');
for (const folder of packages) {
  const manifest = readJson(join(folder, 'package.json'));
  // node_modules: what npm installed inside the package itself (a version of a dependency other than the root's).
  for (const entry of new Set(['package.json', 'dist', 'node_modules', ...(manifest.files ?? [])])) {
    if (existsSync(join(folder, entry))) copy(join(folder, entry));
  }
}

// What the image runs and how its health is checked.
const service = /^services\/([^/]+)$/.exec(app)?.[1];
// The catalogue is read only for the gateway and the services: they depend on @eventify/contracts, so its own
// dependencies (zod) are installed; a stand-in's production install has none of them.
const contracts = () => import(pathToFileURL(resolve('packages/contracts/dist/index.js')).href);
let image;
if (service) {
  const entry = (await contracts()).SERVICES[service];
  if (!entry) throw new Error(`${app}: "${service}" is not in the service catalogue (packages/contracts/src/services.ts)`);
  image = { port: { env: 'PORT', default: entry.port }, mtls: true };
} else if (app === 'gateway') {
  image = { port: { env: 'PORT', default: (await contracts()).GATEWAY_PORT }, mtls: false };
} else {
  const httpPort = readJson(join(app, 'package.json')).eventify?.httpPort;
  if (!httpPort?.env || !Number.isInteger(httpPort.default)) {
    throw new Error(
      `${app}: its package.json needs "eventify": { "httpPort": { "env": "<VARIABLE>", "default": <port> } } (the port its /healthz answers on)`,
    );
  }
  image = { port: httpPort, mtls: false };
}
writeFileSync(join(out, 'image.json'), `${JSON.stringify({ app, main: `${app}/dist/main.js`, ...image }, null, 2)}\n`);
for (const file of ['main.mjs', 'healthcheck.mjs']) cpSync(join('image', file), join(out, file));
process.stdout.write(
  `image/prepare.mjs: ${app} with ${[...packages].join(', ')}; port ${image.port.env}=${image.port.default}${image.mtls ? ', mutual TLS' : ''}\n`,
);
