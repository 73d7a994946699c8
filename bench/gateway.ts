/**
 * The gateway's own cost on a cheap public route (GET /auth/.well-known/jwks.json, answered from memory by the
 * auth service), beside the same route reached directly and through nginx from Debian making the same hop
 * (plain HTTP in, mutual TLS to the service with the gateway's certificate), all in one run:
 * - throughput with 50 connections (autocannon), rounds alternating between the three so a busy machine
 *   penalises all alike;
 * - median latency at light load (one connection, one request at a time), as added over the direct call.
 * Gateway and service log at info, as `npm start` and production run them. Memory of each process afterwards.
 *
 *   node --conditions=development --import tsx bench/gateway.ts [--seconds 5 --rounds 2 --connections 50]
 *   (or as part of `npm run bench`)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { ensurePki, freePort, identityAgent, startTestStack } from '@eventify/testing';
import { cpuMs, stackMemoryRows, treeCpuMs, treeRssMiB } from './support/memory.js';
import { findNginx, startNginxProxy, type RunningNginx } from './support/nginx.js';
import { isMain, type BenchRow } from './support/rows.js';

interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  workers?: number;
  tlsOptions?: Record<string, unknown>;
}) => Promise<AutocannonResult>;
const { default: autocannon } = (await import('autocannon')) as unknown as { default: Autocannon };

export interface GatewayBenchOptions {
  connections?: number;
  seconds?: number;
  rounds?: number;
  /** Sequential requests per target and round for the light-load latency. */
  lightRequests?: number;
  /** GATEWAY_WORKERS: a number (1, as `npm start` runs it) or `auto` (one process per core). */
  workers?: string;
}

const ROUTE = '/auth/.well-known/jwks.json';
const PATH = `gateway: GET ${ROUTE}`;

interface Target {
  name: 'direct' | 'nginx' | 'gateway';
  url: string;
  tlsOptions?: Record<string, unknown>;
  dispatcher: Agent;
  /** CPU time used so far by the proxy in between (none for direct), ms. */
  proxyCpu: () => number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One request at a time over one kept-alive connection: the latency a lone user sees. */
async function lightLatencies(target: Target, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await request(`${target.url}${ROUTE}`, { dispatcher: target.dispatcher });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`${target.name} answered ${response.statusCode}`);
    times.push(performance.now() - started);
  }
  return times;
}

export async function run(options: GatewayBenchOptions = {}): Promise<BenchRow[]> {
  const { connections = 50, seconds = 5, rounds = 2, lightRequests = 400, workers = '1' } = options;
  // Children run the compiled JavaScript, as in production (npm run bench builds first).
  process.env.EVENTIFY_TEST_COMPILED ??= '1';
  const pki = await ensurePki();
  const gatewayIdentity = pki.identityDir('gateway');
  const stack = await startTestStack({
    // Measured: without the test harness's check of every answer.
    checkResponses: false,
    services: ['auth'],
    env: {
      auth: { LOG_LEVEL: 'info' },
      // Every request comes from 127.0.0.1: the per-address limit is raised so it measures, not refuses (it still counts).
      gateway: { LOG_LEVEL: 'info', RATE_LIMIT_IP_MAX: '1000000000', GATEWAY_WORKERS: workers },
    },
  });
  let nginx: RunningNginx | undefined;
  const agents: Agent[] = [];
  try {
    const { binary, reason } = findNginx();
    if (binary) {
      nginx = await startNginxProxy({
        binary,
        port: await freePort(),
        upstream: stack.processes.auth!.url,
        upstreamName: 'auth-service',
        identityDir: gatewayIdentity,
      });
    } else {
      console.error(`[bench gateway] no nginx baseline: ${reason}`);
    }
    const file = (name: string) => readFileSync(join(gatewayIdentity, name));
    const agent = (made: Agent) => (agents.push(made), made);
    const targets: Target[] = [
      // The service itself, presenting the gateway's certificate as the gateway and nginx do.
      {
        name: 'direct',
        url: stack.processes.auth!.url,
        tlsOptions: { cert: file('tls.crt'), key: file('tls.key'), ca: file('ca.crt') },
        dispatcher: agent(identityAgent(gatewayIdentity)),
        proxyCpu: () => 0,
      },
      ...(nginx ? [{ name: 'nginx' as const, url: nginx.url, dispatcher: agent(new Agent()), proxyCpu: () => treeCpuMs(nginx!.pid) }] : []),
      {
        name: 'gateway',
        url: stack.gatewayUrl,
        dispatcher: agent(new Agent()),
        proxyCpu: () => treeCpuMs(stack.processes.gateway!.child.pid),
      },
    ];
    const serviceCpu = () => cpuMs(stack.processes.auth!.child.pid);

    const load = (target: Target, duration: number) =>
      // In a worker thread: this thread reads the processes' logs, which must not wait behind the load generator
      // (a process writing its log into a full pipe stops until it is read).
      autocannon({
        url: `${target.url}${ROUTE}`,
        connections,
        duration,
        workers: 1,
        ...(target.tlsOptions ? { tlsOptions: target.tlsOptions } : {}),
      });
    const totals = new Map(
      targets.map((t) => [t.name, { requests: 0, p99: [] as number[], failed: 0, light: [] as number[], proxyCpuMs: 0, serviceCpuMs: 0 }]),
    );
    console.error(
      `[bench gateway] warm-up, then ${rounds} rounds of ${seconds} s × ${targets.length} targets, ${connections} connections; ${lightRequests} sequential requests each per round`,
    );
    for (const target of targets) {
      await load(target, 2);
      await lightLatencies(target, 100);
    }
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        const [proxyBefore, serviceBefore] = [target.proxyCpu(), serviceCpu()];
        const result = await load(target, seconds);
        const total = totals.get(target.name)!;
        total.proxyCpuMs += target.proxyCpu() - proxyBefore;
        total.serviceCpuMs += serviceCpu() - serviceBefore;
        total.requests += result.requests.total;
        total.p99.push(result.latency.p99);
        total.failed += result.errors + result.timeouts + result.non2xx;
        total.light.push(...(await lightLatencies(target, lightRequests)));
      }
    }

    const rate = (name: Target['name']) => totals.get(name)!.requests / (rounds * seconds);
    const p50 = (name: Target['name']) => median(totals.get(name)!.light);
    const worstP99 = (name: Target['name']) => Math.max(...totals.get(name)!.p99);
    const failed = [...totals].filter(([, t]) => t.failed > 0).map(([name, t]) => `${name}: ${t.failed}`);
    if (failed.length) throw new Error(`failed requests under load (${failed.join(', ')}): the figures would flatter`);
    const withNginx = (value: number | undefined, label = 'nginx') => (nginx && value !== undefined ? { baseline: { label, value } } : {});
    // CPU time per request under load: what each hop costs the machine (it grows too when the machine is busy: compare within a run).
    const cpuPerRequest = (name: Target['name'], of: 'proxyCpuMs' | 'serviceCpuMs') =>
      (totals.get(name)![of] * 1000) / totals.get(name)!.requests;

    const rows: BenchRow[] = [
      {
        path: PATH,
        figure: `throughput, ${connections} connections`,
        value: rate('gateway'),
        unit: 'req/s',
        ...withNginx(nginx && rate('nginx')),
        aim: '≥ 0.6 × nginx',
      },
      {
        path: PATH,
        figure: `throughput, ${connections} connections`,
        value: rate('gateway'),
        unit: 'req/s',
        baseline: { label: 'service direct', value: rate('direct') },
      },
      ...(nginx
        ? [
            {
              path: `nginx: GET ${ROUTE}`,
              figure: `throughput, ${connections} connections`,
              value: rate('nginx'),
              unit: 'req/s',
              baseline: { label: 'service direct', value: rate('direct') },
            },
          ]
        : []),
      {
        path: PATH,
        figure: 'proxy CPU time per request, under load',
        value: cpuPerRequest('gateway', 'proxyCpuMs'),
        unit: 'µs',
        ...withNginx(nginx && cpuPerRequest('nginx', 'proxyCpuMs'), 'nginx (all workers)'),
      },
      {
        path: `auth: GET ${ROUTE}`,
        figure: 'service CPU time per request, under load',
        value: cpuPerRequest('direct', 'serviceCpuMs'),
        unit: 'µs',
      },
      {
        path: PATH,
        figure: `p99 latency, ${connections} connections`,
        value: worstP99('gateway'),
        unit: 'ms',
        ...withNginx(nginx && worstP99('nginx')),
      },
      {
        path: PATH,
        figure: 'median latency, 1 connection',
        value: p50('gateway'),
        unit: 'ms',
        baseline: { label: 'service direct', value: p50('direct') },
      },
      {
        path: PATH,
        figure: 'added median latency over direct, 1 connection',
        value: p50('gateway') - p50('direct'),
        unit: 'ms',
        ...withNginx(nginx && p50('nginx') - p50('direct'), 'nginx, added'),
        aim: '≤ 1 ms',
      },
    ];
    // Memory once the load is over: every process this benchmark started.
    rows.push(...stackMemoryRows(stack, 'the gateway benchmark'));
    const nginxRss = nginx && treeRssMiB(nginx.pid);
    if (nginxRss !== undefined)
      rows.push({ path: 'memory', figure: 'nginx, master and workers (after the gateway benchmark)', value: nginxRss, unit: 'MiB' });
    return rows;
  } finally {
    await nginx?.stop();
    await Promise.all(agents.map((a) => a.close()));
    await stack.stop();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: { connections: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' }, workers: { type: 'string' } },
  });
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const rows = await run({
    connections: number(values.connections),
    seconds: number(values.seconds),
    rounds: number(values.rounds),
    workers: values.workers,
  });
  const { printRows } = await import('./support/table.js');
  console.log(printRows(rows));
}
