import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loginDelaySeconds } from '../src/domain/login-delay.js';

const schedule = { freeFailures: 5, baseSeconds: 1, maxSeconds: 60 };

it('lets the first failures go without a wait', () => {
  for (let failures = 0; failures < 5; failures++) assert.equal(loginDelaySeconds(failures, schedule), 0, `${failures}`);
});

it('then doubles the wait with each failure, from the base', () => {
  assert.deepEqual(
    [5, 6, 7, 8, 9, 10].map((f) => loginDelaySeconds(f, schedule)),
    [1, 2, 4, 8, 16, 32],
  );
  assert.equal(loginDelaySeconds(6, { ...schedule, baseSeconds: 3 }), 6);
});

it('never waits longer than the cap, however many failures', () => {
  assert.equal(loginDelaySeconds(11, schedule), 60);
  assert.equal(loginDelaySeconds(1_000_000, schedule), 60);
});
