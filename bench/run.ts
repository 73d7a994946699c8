/**
 * Every benchmark in one go, one table: `npm run bench` (builds, brings up the infrastructure, then this).
 * Each `bench/<name>.ts` that exports `run(): Promise<BenchRow[]>` is a benchmark (found by reading the file, so
 * a script-only module such as tls.ts is never imported, which would run it). Each starts what it needs and
 * cleans up. The table goes to stdout and bench/results/latest.md, with the machine it ran on; rows whose path
 * is "memory" (each process's resident memory after its benchmark) get a table of their own.
 *
 *   npm run bench [-- --only gateway,door]
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchRow } from './support/rows.js';
import { printRows } from './support/table.js';

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',').map((name) => name.trim());
const here = dirname(fileURLToPath(import.meta.url));
const EXPORTS_RUN = /export\s+(async\s+)?function\s+run\b|export\s+(const|let)\s+run\b|export\s*\{[^}]*\brun\b[^}]*\}/;

const modules = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.replace(/\.ts$/, ''))
  .filter((name) => !only || only.includes(name))
  .filter((name) => EXPORTS_RUN.test(readFileSync(join(here, `${name}.ts`), 'utf8')))
  .sort();
if (!modules.length) throw new Error(`no benchmark module exports run()${only ? ` among ${only.join(', ')}` : ''}`);

// Children run the compiled JavaScript (the npm script builds first), as in production.
process.env.EVENTIFY_TEST_COMPILED ??= '1';
const started = performance.now();
const rows: BenchRow[] = [];
const failures: string[] = [];
for (const name of modules) {
  const t0 = performance.now();
  console.error(`[bench] ${name}: running`);
  try {
    const module = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { run: () => Promise<BenchRow[]> };
    rows.push(...(await module.run()));
    console.error(`[bench] ${name}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } catch (error) {
    failures.push(`${name}: ${(error as Error).stack ?? String(error)}`);
    console.error(`[bench] ${name}: FAILED after ${((performance.now() - t0) / 1000).toFixed(0)} s: ${(error as Error).message}`);
  }
}

const figures = rows.filter((row) => row.path !== 'memory');
const memory = rows.filter((row) => row.path === 'memory');
const machine = `${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}`;
const report = [
  `# Benchmarks, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `Machine: ${machine}. Modules: ${modules.join(', ')}; ${((performance.now() - started) / 1000).toFixed(0)} s in all.`,
  '',
  printRows(figures),
  ...(memory.length ? ['', '## Resident memory after the benchmarks', '', printRows(memory)] : []),
  ...(failures.length ? ['', '## Failed', '', ...failures.map((f) => `- ${f.split('\n')[0]}`)] : []),
  '',
].join('\n');
console.log(`\n${report}`);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.md'), report);
console.error('[bench] written to bench/results/latest.md');
if (failures.length) {
  for (const failure of failures) console.error(`\n[bench] ${failure}`);
  process.exitCode = 1;
}
// Everything started has been stopped; a client library's idle timer must not keep the runner alive.
process.exit();
