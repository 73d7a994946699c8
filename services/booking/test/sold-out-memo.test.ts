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
    assert.equal(
      refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 2 }], 10)),
      null,
    );
    const refused = refusal(() =>
      memo.check(
        'e1',
        [
          { tierId: 'vip', quantity: 2 },
          { tierId: 'vip', quantity: 1 },
        ],
        10,
      ),
    );
    assert.equal(refused?.status, 409);
    assert.equal(refused?.code, 'sold-out');
    assert.equal(refused?.message, 'Not enough tickets left for "VIP": only 2 left.');
    assert.deepEqual(refused?.extensions, { tierId: 'vip', available: 2 });
    // Other tiers and other events are not affected.
    assert.equal(
      refusal(() => memo.check('e1', [{ tierId: 'floor', quantity: 5 }], 10)),
      null,
    );
    assert.equal(
      refusal(() => memo.check('e2', [{ tierId: 'vip', quantity: 5 }], 10)),
      null,
    );
  });

  it('once stale, lets one request through to ask again while the others are still refused, until its outcome', () => {
    const memo = new SoldOutMemo(1_000);
    const asks = (now: number) => refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 1 }], now)) === null;
    memo.remember('e1', 'vip', 0, 'sold out', 0);
    assert.equal(asks(999), false, 'fresh: refused');
    assert.equal(asks(1_000), true, 'stale: this one is the probe');
    assert.equal(asks(1_001), false, 'the probe is under way: refused from memory');
    assert.equal(asks(5_999), false);
    assert.equal(asks(6_000), true, 'the probe never came back: another one');
    memo.remember('e1', 'vip', 0, 'sold out', 6_100); // the probe was refused too
    assert.equal(asks(6_200), false);
    memo.forget('e1', ['vip']); // seats given back, or a probe that bought one
    assert.equal(asks(6_300), true);
  });

  it('drops a tier nobody asked about for a minute', () => {
    const memo = new SoldOutMemo(1_000);
    memo.remember('e1', 'vip', 0, 'sold out', 0);
    assert.equal(
      refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 1 }], 70_000)),
      null,
    );
    assert.equal(
      refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 1 }], 70_001)),
      null,
      'gone, not probing',
    );
  });

  it('remembers nothing when turned off', () => {
    const memo = new SoldOutMemo(0);
    memo.remember('e1', 'vip', 0, 'sold out', 0);
    assert.equal(
      refusal(() => memo.check('e1', [{ tierId: 'vip', quantity: 1 }], 1)),
      null,
    );
  });
});
