#!/usr/bin/env node
// `npm run test:faults`: the fault suite (faults/*.fault.ts, see docs/faults.md) against real processes,
// one file at a time (each starts a whole stack with private Redis and FerretDB), then the table of faults
// injected and what was checked, and how many fuzzed requests were sent.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = readdirSync(join(root, 'faults'))
  .filter((f) => f.endsWith('.fault.ts') && (filters.length === 0 || filters.some((x) => f.includes(x))))
  .sort()
  .map((f) => join('faults', f));
const dir = mkdtempSync(join(tmpdir(), 'eventify-faults-'));
const report = join(dir, 'report.jsonl');
const started = Date.now();
const code = await new Promise((resolveRun) => {
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', EVENTIFY_TEST_COMPILED: '1', FAULT_REPORT: report } },
  );
  child.on('exit', (exitCode, signal) => resolveRun(exitCode ?? (signal ? 1 : 0)));
});
const rows = existsSync(report)
  ? readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
rmSync(dir, { recursive: true, force: true });
const faults = rows.filter((r) => r.fault);
const fuzzed = rows.reduce((sum, r) => sum + (r.fuzzed ?? 0), 0);
console.log('\n## Faults injected and survived\n');
console.log('| fault | outcome checked |\n|---|---|');
for (const row of faults) console.log(`| ${row.fault} | ${row.outcome} |`);
console.log(`\n${faults.length} faults survived, ${fuzzed} fuzzed requests sent, in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(code);
