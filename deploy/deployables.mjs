#!/usr/bin/env node
// The production deployables, from the service catalogue (@eventify/contracts, compiled by `tsc -b`): the gateway
// and one `<name>-service` per catalogue entry, each with the folder the Dockerfile builds (APP). The CI workflow's
// image matrix and the deploy job come from this list, and the Kubernetes manifests name the same images, so a new
// service in the catalogue is built, pushed and deployed without editing the workflow.
// Usage: node deploy/deployables.mjs                 (JSON array)
//        node deploy/deployables.mjs --github-output (images=<JSON>, for $GITHUB_OUTPUT)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;

/** @returns {Promise<{ name: string, app: string }[]>} image name and the folder it is built from */
export async function productionDeployables() {
  const { SERVICE_NAMES } = await import(pathToFileURL(join(root, 'packages/contracts/dist/index.js')).href);
  return [{ name: 'gateway', app: 'gateway' }, ...SERVICE_NAMES.map((name) => ({ name: `${name}-service`, app: `services/${name}` }))];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const list = JSON.stringify(await productionDeployables());
  process.stdout.write(`${process.argv.includes('--github-output') ? `images=${list}` : list}\n`);
}
