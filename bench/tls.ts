/**
 * The cost of mutual TLS on the gateway hop: gateway throughput on the same route with its upstream reached
 * over mutual TLS and over plain HTTP, in one run, and the ratio.
 *
 *   npm run bench:tls [-- --connections 32 --seconds 8 --rounds 2]
 *
 * Both gateways are the real one (same build, same settings), each in front of the same small kit service (the
 * gateway tests' echo fixture: GET /events/echo, a public route, answers its request headers), one serving mutual
 * TLS with a certificate of the development CA, one plain HTTP. The upstream does next to no work, so the ratio is
 * the worst case: on a real route the service's own work (database, token check) dilutes it. Rounds alternate
 * between the two so a busy machine penalises both alike. Everything stays on 127.0.0.1.
 */
import { parseArgs } from 'node:util';
import { ensurePki, freePort, startProcess, type RunningProcess } from '@eventify/testing';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
const { default: autocannon } = (await import('autocannon')) as unknown as {
  default: (options: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;
};

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
  },
});
const CONNECTIONS = Number(values.connections);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);

// Children run the compiled JavaScript (npm run bench:tls builds first), as in the tests.
process.env.EVENTIFY_TEST_COMPILED = '1';
const pki = await ensurePki();
const running: RunningProcess[] = [];
const start = async (name: string, entry: string, env: Record<string, string>, readyPath = '/healthz') => {
  const process_ = await startProcess({ name, entry, port: await freePort(), env: { LOG_LEVEL: 'warn', ...env }, readyPath });
  running.push(process_);
  return process_;
};

try {
  const echoMtls = await start('echo-mtls', 'gateway/test/fixtures/echo-service.ts', { MTLS_DIR: pki.identityDir('event') });
  const echoPlain = await start('echo-plain', 'gateway/test/fixtures/echo-service.ts', {});
  const gatewayEnv = {
    REDIS_NAMESPACE: `bench-tls-${process.pid}`,
    RATE_LIMIT_IP_MAX: '100000000',
    RATE_LIMIT_USER_MAX: '100000000',
    // Unused (the route is public), but the gateway wants to know where keys would come from.
    AUTH_JWKS_URL: 'http://127.0.0.1:9/auth/.well-known/jwks.json',
    // Two gateways at once: each ops listener on a free port of its own.
    OPS_PORT: '0',
  };
  const withMtls = await start('gateway-mtls', 'gateway/src/main.ts', {
    ...gatewayEnv,
    EVENT_SERVICE_URL: echoMtls.url,
    MTLS_DIR: pki.identityDir('gateway'),
  });
  const plain = await start('gateway-plain', 'gateway/src/main.ts', { ...gatewayEnv, EVENT_SERVICE_URL: echoPlain.url });

  const load = (gateway: RunningProcess, seconds: number) =>
    autocannon({ url: `${gateway.url}/events/echo`, connections: CONNECTIONS, duration: seconds });
  console.log(
    `warming up both (2 s each), then ${ROUNDS} alternating rounds of ${SECONDS} s, ${CONNECTIONS} connections, GET /events/echo`,
  );
  await load(withMtls, 2);
  await load(plain, 2);
  const totals = {
    mtls: { requests: 0, p50: [] as number[], p99: [] as number[], failed: 0 },
    plain: { requests: 0, p50: [] as number[], p99: [] as number[], failed: 0 },
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [key, gateway] of (round % 2 === 0
      ? [
          ['mtls', withMtls],
          ['plain', plain],
        ]
      : [
          ['plain', plain],
          ['mtls', withMtls],
        ]) as ['mtls' | 'plain', RunningProcess][]) {
      const result = await load(gateway, SECONDS);
      totals[key].requests += result.requests.total;
      totals[key].p50.push(result.latency.p50);
      totals[key].p99.push(result.latency.p99);
      totals[key].failed += result.errors + result.timeouts + result.non2xx;
    }
  }
  const rate = (key: 'mtls' | 'plain') => totals[key].requests / (ROUNDS * SECONDS);
  const max = (list: number[]) => Math.max(...list);
  console.log('');
  console.table({
    'mutual TLS upstream': {
      'req/s': Math.round(rate('mtls')),
      'p50 ms': max(totals.mtls.p50),
      'p99 ms': max(totals.mtls.p99),
      failed: totals.mtls.failed,
    },
    'plain HTTP upstream': {
      'req/s': Math.round(rate('plain')),
      'p50 ms': max(totals.plain.p50),
      'p99 ms': max(totals.plain.p99),
      failed: totals.plain.failed,
    },
  });
  const ratio = rate('mtls') / rate('plain');
  console.log(
    `\nthroughput with mutual TLS / without: ${ratio.toFixed(3)} (${((1 - ratio) * 100).toFixed(1)} % fewer requests per second)`,
  );
  // The machine is saturated in both runs, so the difference in time per request is what TLS costs it per request.
  const extraUs = (1 / rate('mtls') - 1 / rate('plain')) * 1e6;
  console.log(
    `mutual TLS costs this machine ${Math.round(extraUs)} µs per request on the hop (both ends together, connections kept alive)`,
  );
  if (totals.mtls.failed || totals.plain.failed) process.exitCode = 1;
} finally {
  await Promise.all(running.reverse().map((p) => p.stop()));
}
