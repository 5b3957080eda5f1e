import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLimiter } from '../../../src/util/limiter.ts';

describe('createLimiter', () => {
  it('never runs more than the limit at once, and runs everything', async () => {
    const limit = createLimiter(3);
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
          return i;
        }),
      ),
    );
    assert.equal(most, 3);
    assert.deepEqual(
      results,
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it('keeps the limit when newcomers arrive while a slot is handed over', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let most = 0;
    const task = (): Promise<void> =>
      limit(async () => {
        running++;
        most = Math.max(most, running);
        await Promise.resolve();
        running--;
      });
    const first = Array.from({ length: 6 }, task);
    // Newcomers queued in the same turns as the hand-overs.
    const later = first.map((p) => p.then(() => task()));
    await Promise.all([...first, ...later]);
    assert.equal(most, 2);
  });

  it('frees the slot when a call fails', async () => {
    const limit = createLimiter(1);
    await assert.rejects(
      limit(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await limit(() => Promise.resolve('next')), 'next');
  });
});
