import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SoldOutMemo } from '../src/domain/sold-out.js';

const refusal = (fn: () => void) => {
  try {
    fn();
    return null;
  } catch (error) {
    return error as { status: number; code: string; message: string; extensions: Record<string, unknown> };
  }
};

describe('the sold-out memo', () => {
  it('refuses only what the remembered seats cannot cover, summing a tier asked for twice', () => {
    const memo = new SoldOutMemo(1_000);
    memo.remember('e1', 'vip', 2, 'Not enough tickets left for "VIP": only 2 left.', 0);
    assert.equal(refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 2 }], 10)), null);
    const refused = refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 2 }, { tierId: 'vip', quantity: 1 }], 10));
    assert.equal(refused?.status, 409);
    assert.equal(refused?.code, 'sold-out');
    assert.equal(refused?.message, 'Not enough tickets left for "VIP": only 2 left.');
    assert.deepEqual(refused?.extensions, { tierId: 'vip', available: 2 });
    // Other tiers and other events are not affected.
    assert.equal(refusal(() => memo.check('e1', [{ tierId: 'floor', quantity: 5 }], 10)), null);
    assert.equal(refusal(() => memo.check('e2', [{ tierId: 'vip', quantity: 5 }], 10)), null);
  });

  it('forgets a tier when its time is up or when seats were given back', () => {
    const memo = new SoldOutMemo(1_000);
    memo.remember('e1', 'vip', 0, 'sold out', 0);
    assert.notEqual(refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 1 }], 999)), null);
    assert.equal(refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 1 }], 1_000)), null);
    memo.remember('e1', 'vip', 0, 'sold out', 2_000);
    memo.forget('e1', ['vip']);
    assert.equal(refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 1 }], 2_001)), null);
  });

  it('remembers nothing when turned off', () => {
    const memo = new SoldOutMemo(0);
    memo.remember('e1', 'vip', 0, 'sold out', 0);
    assert.equal(refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 1 }], 1)), null);
  });
});
