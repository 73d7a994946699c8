#!/usr/bin/env node
// Pins the production overlay's images to the digests the CI images job pushed (the deploy job runs this before
// `kubectl apply -k`): for every image in the overlay's `images:`, `newName` becomes <registry>/<name> and `digest`
// the one in <digests-dir>/<name> (a file holding `sha256:…`, one per image, as the images job uploads them).
// Fails, changing nothing, when an image has no digest, a digest is malformed, or a digest names an image the
// overlay does not have, so the generator's placeholder (sha256:0…0) can never be deployed.
// Node built-ins only (the deploy job does not install the repository's dependencies).
// Usage: node deploy/k8s/pin-images.mjs deploy/k8s/overlays/production/kustomization.yaml <digests-dir> <registry>
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [file, digestsDir, registry] = process.argv.slice(2);
if (!file || !digestsDir || !registry) {
  console.error('usage: node deploy/k8s/pin-images.mjs <kustomization.yaml> <digests-dir> <registry>');
  process.exit(2);
}
const digests = new Map(readdirSync(digestsDir).map((name) => [name, readFileSync(join(digestsDir, name), 'utf8').trim()]));
const problems = [...digests]
  .filter(([, digest]) => !/^sha256:[0-9a-f]{64}$/.test(digest) || /^sha256:0+$/.test(digest))
  .map(([name, digest]) => `${name}: not a digest: ${JSON.stringify(digest)}`);

// The generator writes each entry as `- name: <registry>/<image>` followed by its newName and digest lines.
const pinned = new Set();
let current;
const lines = readFileSync(file, 'utf8')
  .split('\n')
  .map((line) => {
    const name = /^ {2}- name: \S+\/([^/\s]+)$/.exec(line);
    if (name) current = name[1];
    if (!current || !digests.has(current)) return line;
    if (/^ {4}newName: /.test(line)) return `    newName: ${registry.replace(/\/$/, '')}/${current}`;
    if (/^ {4}digest: /.test(line)) {
      pinned.add(current);
      return `    digest: ${digests.get(current)}`;
    }
    return line;
  });
const images = [...readFileSync(file, 'utf8').matchAll(/^ {2}- name: \S+\/([^/\s]+)$/gm)].map((m) => m[1]);
for (const image of images) if (!digests.has(image)) problems.push(`${image}: no digest in ${digestsDir}`);
for (const name of digests.keys()) if (!images.includes(name)) problems.push(`${name}: a digest for an image the overlay does not have`);
for (const image of images) if (digests.has(image) && !pinned.has(image)) problems.push(`${image}: no digest line to replace`);
if (images.length === 0) problems.push(`${file}: no images`);
if (problems.length) {
  console.error(`pin-images: nothing changed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
writeFileSync(file, lines.join('\n'));
process.stdout.write(`pin-images: ${images.length} images pinned in ${file}\n`);
