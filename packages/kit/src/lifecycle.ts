import type { FastifyInstance } from 'fastify';
import type { BaseConfig } from './config.js';
import { shutdownTracing } from './tracing.js';

/**
 * Listen, then shut down gracefully on SIGTERM/SIGINT: stop accepting, let in-flight requests finish
 * (bounded by SHUTDOWN_GRACE_MS), run every onClose hook (pools, consumers), exit.
 */
export async function runService(app: FastifyInstance, config: BaseConfig): Promise<void> {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    force.unref();
    try {
      await app.close();
      // The last spans (this shutdown's requests) are still buffered: export them before exiting.
      await shutdownTracing();
      app.log.info('stopped');
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => app.log.error({ err: reason }, 'unhandled promise rejection'));

  await app.listen({ port: config.PORT, host: config.HOST });
}

/** Entry-point wrapper: a start-up failure (bad config, unreachable database) ends the process with a clear message. */
export function main(start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
