import type { Logger } from 'pino';

export interface RetryOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  logger?: Pick<Logger, 'warn'> | undefined;
  what: string;
}

/** Retry an async operation with exponential back-off: databases may come up after the service does. */
export async function retry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let delay = options.initialDelayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() + delay > deadline) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`${options.what}: gave up after ${attempt} attempts: ${reason}`, { cause: error });
      }
      options.logger?.warn({ attempt, err: error }, `${options.what} failed; retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    }
  }
}
