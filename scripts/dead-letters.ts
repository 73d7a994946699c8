// Inspect and replay dead-lettered events: npm run dead-letters -- <list|replay> <service> [entry-id ...]
// REDIS_NAMESPACE as the services use it (default eventify); REDIS_URL of the Redis admin (default user, default
// redis://127.0.0.1:6379): a replay adds to the event's stream, which no consumer's own Redis user may do.
import { Redis } from 'ioredis';
import { listDeadLetters, replayDeadLetters } from '@eventify/kit';

const [command, service, ...ids] = process.argv.slice(2);
if (!service || (command !== 'list' && command !== 'replay')) {
  console.error(
    'usage: npm run dead-letters -- list <service>\n       npm run dead-letters -- replay <service> [entry-id ...]   (no ids: all)',
  );
  process.exit(2);
}
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const namespace = process.env.REDIS_NAMESPACE ?? 'eventify';
try {
  const letters =
    command === 'list' ? await listDeadLetters(redis, namespace, service) : await replayDeadLetters(redis, namespace, service, ids);
  for (const letter of letters) {
    const event = JSON.parse(letter.event || '{}') as { id?: string; type?: string };
    console.log(
      `${letter.entryId}  ${event.type ?? '?'}  ${event.id ?? '?'}  attempts=${letter.attempts}  failedAt=${letter.failedAt}  error=${letter.error}`,
    );
  }
  console.log(`${letters.length} dead-lettered event(s) ${command === 'list' ? 'waiting' : 'replayed'} for ${service}`);
} finally {
  redis.disconnect();
}
