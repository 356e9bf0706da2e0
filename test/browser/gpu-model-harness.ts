/** Shared by the whole-model GPU tests: GPU errors raised by a model call become test failures. */
import type { GpuContext } from '../../src/gpu/context.ts';

/** Runs `call` (a GpuModel method) and throws any validation, memory or internal error it raised. */
export async function checked<R>(ctx: GpuContext, call: () => Promise<R>): Promise<R> {
  const { device } = ctx;
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('internal');
  const outcome = await call().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const errors = [await device.popErrorScope(), await device.popErrorScope(), await device.popErrorScope()];
  const messages = errors.filter((e) => e !== null).map((e) => e.message);
  if (messages.length > 0) throw new Error(`GPU errors: ${messages.join('\n')}`);
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}
