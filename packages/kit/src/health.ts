import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './errors.js';

/** A dependency the service needs to do its work (a database, the bus). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, { status: 'up' | 'down'; error?: string; latencyMs: number }>;
}

const CHECK_TIMEOUT_MS = 2_000;

export async function runChecks(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const started = performance.now();
      try {
        await withTimeout(c.check(), CHECK_TIMEOUT_MS, `${c.name} did not answer within ${CHECK_TIMEOUT_MS} ms`);
        return [c.name, { status: 'up' as const, latencyMs: Math.round(performance.now() - started) }] as const;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [c.name, { status: 'down' as const, error: message, latencyMs: Math.round(performance.now() - started) }] as const;
      }
    }),
  );
  const ready = results.every(([, r]) => r.status === 'up');
  return { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) };
}

/**
 * `/healthz`: the process is alive and serving (no dependencies checked, so an orchestrator does not
 * restart a healthy pod because its database blinked). `/readyz`: every dependency answers.
 */
export function registerHealth(app: FastifyInstance, checks: () => readonly ReadinessCheck[], service: string): void {
  let shuttingDown = false;
  app.addHook('onClose', async () => {
    shuttingDown = true;
  });
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok', service }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const report = await runChecks(checks());
    if (shuttingDown) report.status = 'not_ready';
    if (report.status === 'ready') return { service, ...report };
    return reply
      .status(503)
      .type(PROBLEM_CONTENT_TYPE)
      .send({
        type: 'https://eventify.dev/problems/not-ready',
        title: 'Not ready',
        status: 503,
        detail: shuttingDown ? `${service} is shutting down.` : `${service} cannot reach: ${failing(report).join(', ')}.`,
        service,
        checks: report.checks,
      });
  });
}

function failing(report: ReadinessReport): string[] {
  return Object.entries(report.checks)
    .filter(([, r]) => r.status === 'down')
    .map(([name]) => name);
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
