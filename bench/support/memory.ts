import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TestStack } from '@eventify/testing';
import type { BenchRow } from './rows.js';

/** Resident memory of one process in MiB (VmRSS), or undefined when it is gone. */
export function rssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A process and its children together (nginx: the master and its workers). */
export function treeRssMiB(pid: number | undefined): number | undefined {
  const own = rssMiB(pid);
  if (own === undefined) return undefined;
  let children: number[] = [];
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map(Number)
      .filter(Boolean);
  } catch {
    // no children (ps exits 1)
  }
  return children.reduce((sum, child) => sum + (rssMiB(child) ?? 0), own);
}

/** One "memory" row per process of a test stack (every replica), sampled now: call it after the load, before stopping. */
export function stackMemoryRows(stack: TestStack, context: string): BenchRow[] {
  const rows: BenchRow[] = [];
  const named = new Map<string, number | undefined>();
  const gateway = stack.processes.gateway?.child.pid;
  // All of the gateway's processes when it runs as a cluster (GATEWAY_WORKERS).
  const gatewayRss = treeRssMiB(gateway);
  if (gatewayRss !== undefined) rows.push({ path: 'memory', figure: `gateway (after ${context})`, value: gatewayRss, unit: 'MiB' });
  for (const [name, replicas] of Object.entries(stack.replicas)) {
    (replicas ?? []).forEach((process_, index) => named.set(replicas!.length > 1 ? `${name}#${index + 1}` : name, process_?.child.pid));
  }
  for (const [name, pid] of named) {
    const value = rssMiB(pid);
    if (value !== undefined) rows.push({ path: 'memory', figure: `${name} (after ${context})`, value, unit: 'MiB' });
  }
  return rows;
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time (user + system) a process has used so far, in ms; 0 when it is gone. */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after "(comm) ": state is the 1st, utime the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The same for a process and its children (nginx: master and workers). */
export function treeCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  let children: number[] = [];
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map(Number)
      .filter(Boolean);
  } catch {
    // no children
  }
  return children.reduce((sum, child) => sum + cpuMs(child), cpuMs(pid));
}
