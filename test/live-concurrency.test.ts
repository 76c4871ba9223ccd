import { describe, expect, it } from 'vitest';
import { createLimiter } from '../src/sources/live/concurrency.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createLimiter', () => {
  it('never runs more than the limit at once and starts waiting tasks in order', async () => {
    const limit = createLimiter(2);
    const gates = Array.from({ length: 5 }, () => deferred<number>());
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const results = gates.map((gate, i) =>
      limit(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        const value = await gate.promise;
        running--;
        return value;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve(1);
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((gate, i) => {
      gate.resolve(i);
    });
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('releases the slot of a failing task and passes the failure on', async () => {
    const limit = createLimiter(1);
    const failing = limit(() => {
      throw new Error('boom');
    });
    const next = limit(async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    expect(() => createLimiter(1.5)).toThrow(RangeError);
  });
});
