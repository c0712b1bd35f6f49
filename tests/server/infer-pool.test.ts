import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Core, Tensor } from '../../src/index.js';
import { InferPool } from '../../src/server/infer-pool.js';
import { affineModel } from './helpers.js';

describe('InferPool', () => {
  it('queues calls beyond its size, answers each, and reports idle once all are done', async () => {
    const compiled = new Core().compileModelSync(affineModel(4, 2, 0), 'CPU');
    const pool = new InferPool(compiled, 2);
    let peak = 0;
    const calls = Array.from({ length: 9 }, (_, i) => pool.run({ x: new Tensor('f32', [1, 4], new Float32Array(4).fill(i)) }, (out) => {
      peak = Math.max(peak, pool.active);
      return out['y']!.getNumber(0);
    }));
    assert.equal(pool.active, 2);
    assert.equal(pool.queued, 7);
    let idle = false;
    const whenIdle = pool.whenIdle().then(() => { idle = true; });
    assert.deepEqual(await Promise.all(calls), [0, 2, 4, 6, 8, 10, 12, 14, 16]);
    await whenIdle;
    assert.equal(idle, true);
    assert.ok(peak <= 2);
    assert.equal(pool.active, 0);
    assert.equal(pool.queued, 0);
  });

  it('frees the request when an inference fails', async () => {
    const compiled = new Core().compileModelSync(affineModel(4, 2, 0), 'CPU');
    const pool = new InferPool(compiled, 1);
    await assert.rejects(pool.run({ x: new Tensor('f32', [1, 3]) }, () => 0), /shape/);
    assert.equal(pool.active, 0);
    await pool.whenIdle();
    assert.equal(await pool.run({ x: new Tensor('f32', [1, 4], new Float32Array(4).fill(1)) }, (out) => out['y']!.getNumber(0)), 2);
  });
});
