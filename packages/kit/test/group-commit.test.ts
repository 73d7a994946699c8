import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GroupCommit } from '../src/group-commit.js';

/** A commit that records each batch and finishes when told to. */
function recorder<T>() {
  const batches: T[][] = [];
  const finish: (() => void)[] = [];
  const commit = (batch: T[]) =>
    new Promise<string[]>((resolve) => {
      batches.push(batch);
      finish.push(() => resolve(batch.map((item) => `done ${String(item)}`)));
    });
  return { batches, finish, commit };
}
const turn = () => new Promise((r) => setImmediate(r));

it('writes what was submitted in one turn as one batch, and what arrives meanwhile as the next', async () => {
  const { batches, finish, commit } = recorder<number>();
  const group = new GroupCommit(commit, { maxBatch: 100, concurrent: 1 });
  const first = [1, 2, 3].map((n) => group.submit(n));
  await turn();
  const second = [4, 5].map((n) => group.submit(n));
  await turn();
  assert.deepEqual(batches, [[1, 2, 3]], 'the next batch waits while one is in flight');
  assert.equal(group.waiting, 2);
  finish[0]!();
  assert.deepEqual(await Promise.all(first), ['done 1', 'done 2', 'done 3']);
  await turn();
  assert.deepEqual(batches, [
    [1, 2, 3],
    [4, 5],
  ]);
  finish[1]!();
  assert.deepEqual(await Promise.all(second), ['done 4', 'done 5']);
});

it('keeps batches within maxBatch and at most `concurrent` of them in flight', async () => {
  const { batches, finish, commit } = recorder<number>();
  const group = new GroupCommit(commit, { maxBatch: 2, concurrent: 2 });
  const all = Array.from({ length: 7 }, (_, i) => group.submit(i));
  await turn();
  assert.deepEqual(batches, [
    [0, 1],
    [2, 3],
  ]);
  finish[0]!();
  await turn();
  await turn();
  assert.deepEqual(batches.at(-1), [4, 5]);
  finish[1]!();
  finish[2]!();
  await turn();
  await turn();
  finish[3]!();
  assert.equal((await Promise.all(all)).length, 7);
  assert.ok(batches.every((batch) => batch.length <= 2));
});

it('rejects every item of a failed batch, and only those', async () => {
  let calls = 0;
  const group = new GroupCommit<string, string>(
    async (batch) => {
      calls += 1;
      if (calls === 1) throw new Error('database away');
      return batch;
    },
    { maxBatch: 10, concurrent: 1 },
  );
  const failed = [group.submit('a'), group.submit('b')];
  await assert.rejects(failed[0]!, /database away/);
  await assert.rejects(failed[1]!, /database away/);
  assert.equal(await group.submit('c'), 'c');
});

it('refuses a commit that answers a different number of results than it was given', async () => {
  const group = new GroupCommit<number, number>(async () => [1], { maxBatch: 10 });
  const both = [group.submit(1), group.submit(2)];
  await assert.rejects(both[0]!, /answered 1 results for 2 items/);
  await assert.rejects(both[1]!, /answered 1 results for 2 items/);
});
