/**
 * Shared setup of the GPU kernel tests: one device per test file, seeded random inputs rounded to
 * float32 (so the float64 reference sees exactly what the GPU sees), and running recorded ops
 * with GPU validation errors turned into test failures.
 */
import { afterAll, beforeAll } from 'vitest';
import { readFloats, uploadFloats, uploadInts, type GpuTensor } from '../../src/gpu/buffers.ts';
import { GpuContext } from '../../src/gpu/context.ts';
import { requestGpuDevice } from '../../src/gpu/device.ts';
import { normalStream } from '../../src/model/layout.ts';

/** The tolerance of every kernel test: relative error (reference/check.ts) in float32. */
export const TOLERANCE = 1e-4;

/** A GpuContext for the tests of one file: `gpu()` returns it once beforeAll has run. */
export function useGpu(): () => GpuContext {
  let ctx: GpuContext | null = null;
  beforeAll(async () => {
    const { device } = await requestGpuDevice({
      onError: (error) => {
        throw error;
      },
    });
    ctx = new GpuContext(device);
  });
  afterAll(() => {
    ctx?.destroy();
    ctx?.device.destroy();
  });
  return () => {
    if (ctx === null) throw new Error('The GPU context is created in beforeAll.');
    return ctx;
  };
}

/** Draws from seeds that name the test and the shape, so every shape gets its own inputs and a failure replays. */
export function randomSource(seed: string): {
  normal: (n: number, scale?: number) => Float64Array;
  ints: (n: number, max: number) => Int32Array;
} {
  const draw = normalStream(`gpu-test/${seed}`);
  return {
    /** Normal draws rounded to float32. */
    normal: (n, scale = 1) =>
      Float64Array.from(new Float32Array(Array.from({ length: n }, () => scale * draw()))),
    /** Integers in [0, max). */
    ints: (n, max) => Int32Array.from({ length: n }, () => Math.floor(Math.abs(draw() * 1e6)) % max),
  };
}

export function upload(ctx: GpuContext, data: ArrayLike<number>): GPUBuffer {
  return uploadFloats(ctx.device, data);
}

export function uploadIds(ctx: GpuContext, data: ArrayLike<number>): GPUBuffer {
  return uploadInts(ctx.device, data);
}

/** Reads a tensor back as float64, for relativeError against the reference. */
export async function read(ctx: GpuContext, tensor: GpuTensor, count: number): Promise<Float64Array> {
  return Float64Array.from(await readFloats(ctx.device, tensor, count));
}

/** Records ops into one encoder, submits it, and throws any validation or memory error they raised. */
export async function run(ctx: GpuContext, record: (encoder: GPUCommandEncoder) => void): Promise<void> {
  const { device } = ctx;
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('internal');
  const encoder = device.createCommandEncoder();
  record(encoder);
  device.queue.submit([encoder.finish()]);
  const errors = [await device.popErrorScope(), await device.popErrorScope(), await device.popErrorScope()];
  const messages = errors.filter((e) => e !== null).map((e) => e.message);
  if (messages.length > 0) throw new Error(`GPU errors: ${messages.join('\n')}`);
  await device.queue.onSubmittedWorkDone();
}
