import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { poll, startTestStack, type TestStack } from '@eventify/testing';

// The gateway as a primary and two workers sharing the public port (GATEWAY_WORKERS=2), in front of a real auth
// service: what an operator relies on when running it one process per core.
let stack: TestStack;

before(async () => {
  stack = await startTestStack({
    services: ['auth'],
    env: { gateway: { GATEWAY_WORKERS: '2', LOG_LEVEL: 'info' } },
    echo: process.env.ECHO === '1',
  });
});
after(async () => {
  await stack?.stop();
});

const primary = () => stack.processes.gateway!.child.pid!;
/** The primary's child processes: its workers. */
const workers = (pid = primary()) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
const jwks = () => stack.api.get('/auth/.well-known/jwks.json');
/** Which workers wrote an access line, from the shared output. */
function workersThatServed(): Set<number> {
  const ids = new Set<number>();
  for (const line of stack.processes.gateway!.output().split('\n')) {
    try {
      const entry = JSON.parse(line) as { msg?: string; worker?: number };
      if (entry.msg === 'request completed' && entry.worker) ids.add(entry.worker);
    } catch {
      // not a log line
    }
  }
  return ids;
}
async function requestsCounted(): Promise<number> {
  const text = await (await fetch(`${stack.opsUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('http_requests_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('the gateway, one process per core', () => {
  it('serves the public port from both workers, and the ops port sums their figures', async () => {
    assert.equal(workers().length, 2);
    const before = await requestsCounted();
    // The stack is ready once one worker listens; the primary hands connections to the second once it listens too.
    let sent = 0;
    await poll(
      async () => {
        const answers = await Promise.all(Array.from({ length: 50 }, jwks));
        assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
        sent += answers.length;
        return workersThatServed().size === 2;
      },
      'both workers answering',
      30_000,
    );
    // Each worker counted only its own share: the sum says the primary asked both.
    await poll(async () => (await requestsCounted()) - before >= sent, `the ${sent} requests counted`, 5_000);
  });

  it('starts a worker again when one is killed, and keeps serving meanwhile', async () => {
    const [victim, survivor] = workers();
    process.kill(victim!, 'SIGKILL');
    // The primary hands connections only to live workers: the survivor serves while the replacement starts.
    await poll(async () => !workers().includes(victim!), 'the killed worker gone', 5_000);
    assert.equal((await jwks()).status, 200);
    const replaced = await poll(async () => (workers().length === 2 ? workers() : undefined), 'a new worker', 20_000);
    assert.ok(replaced.includes(survivor!) && !replaced.includes(victim!));
    await poll(async () => (await Promise.all(Array.from({ length: 20 }, jwks))).every((a) => a.status === 200), 'served', 10_000);
  });

  it('stops on SIGTERM: the workers first, then the primary, with exit code 0', async () => {
    const children = workers();
    const { code } = await stack.processes.gateway!.stop(15_000);
    assert.equal(code, 0);
    for (const pid of children) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} stopped`);
  });
});
