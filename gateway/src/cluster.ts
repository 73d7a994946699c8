import cluster, { type Worker } from 'node:cluster';
import { clusterMetrics } from '@eventify/kit';
import { upstreams, type GatewayConfig } from './config.js';
import { createOpsListener } from './ops.js';
import { registerServiceReadiness } from './readiness.js';
import { loadUpstreamTls } from './upstream-tls.js';

/** A worker that dies before it ever listened this many times in a row means it cannot start: give up. */
const START_FAILURES_TO_GIVE_UP = 5;
const RESTART_DELAY_MS = 1_000;

/**
 * The gateway as one process per core (GATEWAY_WORKERS > 1): this primary forks the workers, which share the
 * public port (the primary hands out connections in turn), serves the ops listener with the workers' metrics
 * summed, starts a worker again when one dies, and on SIGTERM or SIGINT lets every worker finish its requests
 * before it exits. It serves no public request itself.
 *
 * What is per process, as it is per replica: the rate-limit leases (all processes together still never admit more
 * than a limit: rate-budget.ts), the verified-token cache and the upstream connection pools.
 */
export async function runClusterPrimary(config: GatewayConfig): Promise<void> {
  const ops = await createOpsListener(config, clusterMetrics());
  registerServiceReadiness(ops, upstreams(config), config.READINESS_TIMEOUT_MS, loadUpstreamTls(ops, config));
  const log = ops.log.child({ role: 'cluster primary' });

  let stopping = false;
  let exitCode = 0;
  let startFailures = 0;
  const listening = new WeakSet<Worker>();
  const fork = () =>
    cluster.fork().once('listening', function (this: Worker) {
      listening.add(this);
      startFailures = 0;
    });
  const stopAll = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };

  const alive = () => Object.keys(cluster.workers ?? {}).length;
  let allStopped = () => {};
  const stopped = new Promise<void>((resolve) => {
    allStopped = resolve;
    cluster.on('exit', (worker, code, signal) => {
      if (!stopping && !listening.has(worker) && ++startFailures >= START_FAILURES_TO_GIVE_UP) {
        log.error({ code, signal }, `gateway workers failed to start ${START_FAILURES_TO_GIVE_UP} times in a row; stopping`);
        stopping = true;
        exitCode = 1;
        stopAll();
      }
      if (stopping) {
        if (alive() === 0) resolve();
        return;
      }
      log.error({ pid: worker.process.pid, code, signal }, 'a gateway worker stopped; starting another');
      setTimeout(() => !stopping && fork(), RESTART_DELAY_MS).unref();
    });
  });

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: alive() }, 'shutting down: workers finish their requests');
    // Between a worker's death and its replacement there may be none left to wait for.
    if (alive() === 0) return allStopped();
    // A signal from a terminal reaches the workers too (same process group); a second SIGTERM changes nothing.
    stopAll();
    const force = setTimeout(() => {
      log.error('workers took too long to stop; killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    }, config.SHUTDOWN_GRACE_MS);
    force.unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  for (let i = 0; i < config.GATEWAY_WORKERS; i++) fork();
  await ops.listen({ port: config.OPS_PORT, host: config.OPS_HOST });
  log.info({ workers: config.GATEWAY_WORKERS }, 'gateway workers started');

  await stopped;
  await ops.close();
  log.info('stopped');
  process.exit(exitCode);
}
