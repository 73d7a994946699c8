#!/usr/bin/env node
// Runs every *.test.ts under packages/, gateway/, services/ and tools/ with Node's test runner, reading
// workspace packages from source (the "development" export condition) through tsx.
// Files ending .solo.test.ts (load tests) run last, alone.
// Usage: node scripts/run-tests.mjs [path-fragment ...]   e.g. `node scripts/run-tests.mjs services/auth`
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'gateway', 'services', 'tools', 'deploy', 'apps/mobile/e2e'];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.test.ts')) files.push(relative(root, full));
  }
};
for (const r of roots) {
  try {
    walk(join(root, r));
  } catch {
    // folder may not exist yet
  }
}
const filters = process.argv.slice(2);
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Services under test run from their compiled output (cheaper to start than TypeScript through tsx, which
// matters with dozens of processes on two cores); build it first, incrementally.
const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
// Load tests (*.solo.test.ts) saturate the shared databases on purpose; they run after the rest, one at a time,
// so they neither starve other suites nor get starved.
const solo = selected.filter((f) => f.endsWith('.solo.test.ts'));
const shared = selected.filter((f) => !solo.includes(f));
const run = (testFiles, parallel) =>
  new Promise((resolveRun) => {
    if (testFiles.length === 0) return resolveRun(0);
    const child = spawn(
      process.execPath,
      [
        '--conditions=development',
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${parallel}`,
        // A test that hangs fails after 5 minutes, with its name, instead of holding up the run.
        `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 300_000}`,
        '--test-reporter=spec',
        ...testFiles,
      ],
      { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', EVENTIFY_TEST_COMPILED: '1' } },
    );
    child.on('exit', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)));
  });
const sharedCode = await run(shared, concurrency);
const soloCode = await run(solo, '1');
process.exit(sharedCode || soloCode);
