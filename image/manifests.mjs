#!/usr/bin/env node
// Image build, first stage: copies what `npm ci` reads (the root package.json, the lockfile, .npmrc and every
// workspace's package.json) to the directory given, keeping their paths, so the dependency layer of the
// Dockerfile depends on these files only. Node built-ins only: the base image may have no find or cp --parents.
// Usage (from the repository root): node image/manifests.mjs /manifests
import { cpSync, existsSync, readFileSync, readdirSync, utimesSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';

const target = process.argv[2];
if (!target) throw new Error('usage: node image/manifests.mjs <target-dir>');
const { workspaces = [] } = JSON.parse(readFileSync('package.json', 'utf8'));
/** The workspace folders: npm's globs here are `dir` or `dir/*`. */
const folders = workspaces.flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(pattern.slice(0, -2), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${pattern.slice(0, -2)}/${d.name}`)
    : [pattern],
);
const files = ['package.json', 'package-lock.json', '.npmrc', ...folders.map((f) => `${f}/package.json`)].filter((f) => existsSync(f));
for (const file of files) cpSync(file, join(target, file));
// One fixed time on every file and folder: the copy is then the same bytes, times included, whenever the manifests
// are, so an engine that hashes times too (buildah) still finds the dependency layer in its cache.
const paths = new Set([target, ...files.flatMap((file) => [join(target, file), ...ancestors(file).map((dir) => join(target, dir))])]);
for (const path of paths) utimesSync(path, 0, 0);
process.stdout.write(`image/manifests.mjs: ${files.length} files\n`);

function ancestors(file) {
  const dirs = [];
  for (let dir = dirname(file); dir !== '.'; dir = dirname(dir)) dirs.push(dir);
  return dirs;
}
