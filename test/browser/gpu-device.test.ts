import { describe, expect, it, vi } from 'vitest';
import { BufferPool, sizeClass, STORAGE_USAGE } from '../../src/gpu/buffers.ts';
import { grid, MAX_WORKGROUPS_PER_DIMENSION } from '../../src/gpu/context.ts';
import { LAB_LIMITS, requestGpuDevice } from '../../src/gpu/device.ts';
import { embeddingBackward } from '../../src/gpu/ops/embedding.ts';
import { randomSource, read, run, upload, uploadIds, useGpu } from './gpu-harness.ts';

const gpu = useGpu();

describe('requestGpuDevice', () => {
  it('asks for the limits the lab needs, as far as the adapter allows', async () => {
    const adapter = await navigator.gpu.requestAdapter();
    if (adapter === null) throw new Error('no adapter');
    const { device, isFallbackAdapter } = await requestGpuDevice();
    for (const [name, wanted] of Object.entries(LAB_LIMITS)) {
      const key = name as keyof typeof LAB_LIMITS;
      expect(device.limits[key], name).toBe(Math.min(wanted, adapter.limits[key]));
    }
    expect(typeof isFallbackAdapter).toBe('boolean');
    device.destroy();
  });

  it('says plainly when there is no WebGPU, or no adapter', async () => {
    vi.stubGlobal('navigator', {});
    try {
      await expect(requestGpuDevice()).rejects.toThrow(/^WebGPU is not available in this browser: /);
    } finally {
      vi.unstubAllGlobals();
    }
    const noAdapter = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
    await expect(requestGpuDevice({ gpu: noAdapter })).rejects.toThrow(
      /^WebGPU is not available in this browser: no GPU adapter/,
    );
  });

  it('reports uncaught GPU errors to onError, and not a deliberate destroy', async () => {
    const errors: Error[] = [];
    const { device } = await requestGpuDevice({ onError: (error) => errors.push(error) });
    // A storage buffer that is also mappable for reading is invalid.
    device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.MAP_READ });
    await device.queue.onSubmittedWorkDone();
    await vi.waitFor(() => expect(errors.length).toBe(1), { timeout: 5000 });
    expect(errors[0]?.message).toMatch(/^GPU error: /);
    device.destroy();
    await device.lost;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors.length).toBe(1);
  });
});

describe('BufferPool', () => {
  it('rounds sizes to classes that waste under a quarter', () => {
    expect(sizeClass(1)).toBe(256);
    expect(sizeClass(256)).toBe(256);
    expect(sizeClass(1000)).toBe(1024);
    expect(sizeClass(1025)).toBe(1280);
    for (const bytes of [300, 5000, 123456, 1e7]) {
      expect(sizeClass(bytes)).toBeGreaterThanOrEqual(bytes);
      expect(sizeClass(bytes)).toBeLessThan(bytes * 1.25 + 256);
    }
  });

  it('reuses a released buffer of the same class and counts its bytes', () => {
    const ctx = gpu();
    const pool = new BufferPool(ctx.device);
    const first = pool.acquire(1000);
    expect(first.size).toBe(1024);
    expect(first.usage).toBe(STORAGE_USAGE);
    pool.release(first);
    expect(pool.acquire(900)).toBe(first);
    const other = pool.acquire(5000);
    expect(other).not.toBe(first);
    expect(pool.bytes).toBe(1024 + sizeClass(5000));
    pool.release(other);
    expect(() => pool.release(other)).toThrow(/released twice/);
    pool.trim();
    expect(pool.bytes).toBe(1024);
    pool.destroy();
    expect(pool.bytes).toBe(0);
  });
});

describe('GpuContext', () => {
  it('shares uniform buffers and pipelines between dispatches with the same values', () => {
    const ctx = gpu();
    expect(ctx.uniform({ u32: [3, 4], f32: [0.5] })).toBe(ctx.uniform({ u32: [3, 4], f32: [0.5] }));
    expect(ctx.uniform({ u32: [3, 4] })).not.toBe(ctx.uniform({ u32: [3, 5] }));
    expect(() => ctx.uniform({ u32: [-1] })).toThrow(/u32/);
    const code = '@compute @workgroup_size(1) fn main() {}';
    expect(ctx.pipeline(code, 'main')).toBe(ctx.pipeline(code, 'main'));
  });

  it('spreads large dispatches over a 2-D grid', () => {
    expect(grid(1000, 256)).toEqual([4, 1]);
    const [x, y] = grid(MAX_WORKGROUPS_PER_DIMENSION * 256 * 3 + 1, 256);
    expect(x).toBeLessThanOrEqual(MAX_WORKGROUPS_PER_DIMENSION);
    expect(x * y * 256).toBeGreaterThanOrEqual(MAX_WORKGROUPS_PER_DIMENSION * 256 * 3 + 1);
  });
});

describe('determinism', () => {
  it('gives bit-identical scatter-add gradients on every run', async () => {
    const ctx = gpu();
    const random = randomSource('determinism/embedding');
    const [N, C, V] = [200, 8, 3];
    const tokens = random.ints(N, V);
    const dout = upload(ctx, random.normal(N * C));
    const ids = uploadIds(ctx, tokens);
    const results: Float64Array[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const dwte = upload(ctx, new Float64Array(V * C));
      await run(ctx, (encoder) => embeddingBackward(ctx, encoder, dwte, null, dout, ids, ids, N, C, V, 1));
      results.push(await read(ctx, dwte, V * C));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
