import type { Redis } from 'ioredis';
import { deadLetterKey } from './event-bus.js';

export interface DeadLetter {
  /** Entry id in the dead-letter stream. */
  entryId: string;
  /** The stream the event came from. */
  stream: string;
  error: string;
  attempts: number;
  failedAt: string;
  /** The event envelope as it was published (JSON). */
  event: string;
}

/** Dead-lettered events of one service's consumer group, oldest first. */
export async function listDeadLetters(redis: Redis, namespace: string, service: string, count = 100): Promise<DeadLetter[]> {
  const entries = (await redis.xrange(deadLetterKey(namespace, service), '-', '+', 'COUNT', count)) as [string, string[]][];
  return entries.map(([entryId, flat]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
    return {
      entryId,
      stream: f.stream ?? '',
      error: f.error ?? '',
      attempts: Number(f.attempts ?? 0),
      failedAt: f.failedAt ?? '',
      event: f.event ?? '',
    };
  });
}

/**
 * Put dead-lettered events back on their streams (all, or the given entry ids) and remove them from the
 * dead-letter stream, in one MULTI per event: replayed and removed together, or neither. Every consumer
 * group sees a replayed event again; groups that had handled it skip it by its id, and handlers are
 * idempotent besides, so a replay only does what the failed handler did not.
 */
export async function replayDeadLetters(redis: Redis, namespace: string, service: string, entryIds?: string[]): Promise<DeadLetter[]> {
  const all = await listDeadLetters(redis, namespace, service, 10_000);
  const chosen = entryIds?.length ? all.filter((d) => entryIds.includes(d.entryId)) : all;
  for (const letter of chosen) {
    if (!letter.stream || !letter.event) continue;
    await redis.multi().xadd(letter.stream, '*', 'event', letter.event).xdel(deadLetterKey(namespace, service), letter.entryId).exec();
  }
  return chosen;
}
