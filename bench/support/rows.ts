/**
 * The row every benchmark module returns from `run()` (bench/run.ts prints them as one table). Modules may
 * declare the same shape locally instead of importing it; the runner only reads these fields.
 * A row whose `path` is "memory" is a process's resident memory after its benchmark: the runner lists those
 * in a table of their own.
 */
export interface BenchRow {
  path: string;
  figure: string;
  value: number;
  unit: string;
  baseline?: { label: string; value: number };
  aim?: string;
}

/** True when the module at `moduleUrl` was started as the script itself (not imported by the runner). */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return !!script && new URL(moduleUrl).pathname === script;
}
