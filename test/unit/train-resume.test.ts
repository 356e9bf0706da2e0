import { afterEach, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu-engine.ts';
import type { StepBatches, TrainStepOptions } from '../../src/engine/engine.ts';
import { RunLockedError, type LabStore } from '../../src/store/store.ts';
import { createRun, executeRun } from '../../src/train/run.ts';
import { type RunEvent } from '../../src/train/run-book.ts';
import { cleanup, environment, tiny } from './train-fixtures.ts';

/** A run does not trust what it finds on resume, and does not finish on a diverged model. */

afterEach(cleanup);

/** The notices about what a resume found (an RL iteration's shortfall is a notice of its own). */
const notices = (events: RunEvent[]): string[] =>
  events.flatMap((event) =>
    event.type === 'notice' && !event.message.startsWith('An RL iteration') ? [event.message] : [],
  );

async function pausedAfterFirstStep(): Promise<{ env: ReturnType<typeof environment>; runId: string }> {
  const env = environment();
  const run = await createRun(env.store, tiny);
  const controller = new AbortController();
  await executeRun(run.id, env, {
    signal: controller.signal,
    onEvent: (event) => {
      if (event.type === 'metric' && event.metric.kind === 'train') controller.abort();
    },
  });
  expect((await env.store.listCheckpoints(run.id)).map((c) => c.step)).toEqual([0, 1]);
  return { env, runId: run.id };
}

describe('resuming a run', () => {
  it('passes over a damaged checkpoint, says which, and goes on from the last intact one', async () => {
    const { env, runId } = await pausedAfterFirstStep();
    const damaged = (await env.store.getCheckpoint(runId, 1))!;
    await env.store.putCheckpoint({ ...damaged, weights: damaged.weights.slice(0, 100) });

    const events: RunEvent[] = [];
    const resumed = await executeRun(runId, env, { onEvent: (event) => events.push(event) });
    expect(resumed.status).toBe('finished');
    expect(notices(events)).toEqual([
      expect.stringMatching(/Damaged checkpoint passed over: step 1 \(.+\)\. The run resumes from step 0/),
    ]);
    const rows = (await env.store.metrics(runId)).map((m) => `${m.kind}@${m.step}`).sort();
    expect(rows).toEqual(['eval@0', 'eval@2', 'eval@3', 'train@1', 'train@2', 'train@3']);
  });

  it('says so when metric rows up to its checkpoint have gone from the store', async () => {
    const { env, runId } = await pausedAfterFirstStep();
    // The store has lost the first evaluation's row (a metrics file cut short).
    const losing: LabStore = new Proxy(env.store, {
      get(target, key, receiver) {
        if (key === 'metrics') {
          return async (...args: Parameters<LabStore['metrics']>) =>
            (await target.metrics(...args)).filter((row) => !(row.kind === 'eval' && row.step === 0));
        }
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const events: RunEvent[] = [];
    const resumed = await executeRun(runId, { ...env, store: losing }, { onEvent: (e) => events.push(e) });
    expect(resumed.status).toBe('finished');
    expect(notices(events)).toEqual([
      expect.stringMatching(/1 metric row up to step 1 is missing from the store .* goes on from step 1/),
    ]);
  });

  it('refuses a second execution of a run under way, and lets it resume once the first has paused', async () => {
    const env = environment();
    const run = await createRun(env.store, tiny);
    const controller = new AbortController();
    let second: Promise<unknown> | null = null;
    const first = executeRun(run.id, env, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type !== 'metric' || event.metric.kind !== 'train') return;
        second ??= executeRun(run.id, env).then(
          () => 'ran',
          (error: unknown) => error,
        );
        controller.abort();
      },
    });
    expect((await first).status).toBe('paused');
    const refused = await second;
    expect(refused).toBeInstanceOf(RunLockedError);
    expect(String(refused)).toMatch(/Run .* is already executing/);
    // Refused before it touched anything: the first execution's rows are there once each.
    expect((await env.store.metrics(run.id, 'train')).map((m) => m.step)).toEqual([1]);
    expect((await executeRun(run.id, env)).status).toBe('finished');
  });

  it('refuses a stored configuration edited into an invalid one, naming the field', async () => {
    const { env, runId } = await pausedAfterFirstStep();
    const stored = (await env.store.getRun(runId))!;
    const config = stored.config as { sft: Record<string, unknown> };
    await env.store.putRun({
      ...stored,
      config: { ...stored.config, sft: { ...config.sft, learningRate: 'fast' } },
    });
    await expect(executeRun(runId, env)).rejects.toThrow(
      /stored configuration of run "tiny" is not valid: sft\.learningRate: /,
    );
    expect((await env.store.listCheckpoints(runId)).map((c) => c.step)).toEqual([0, 1]);
  });
});

describe('a diverged model', () => {
  it('fails the run with what to change instead of finishing', async () => {
    class Diverging extends CpuEngine {
      private steps = 0;
      override async trainStep(batch: StepBatches, options: TrainStepOptions) {
        const result = await super.trainStep(batch, options);
        return ++this.steps === 2 ? { ...result, loss: Number.NaN, skipped: true } : result;
      }
    }
    const env = environment(new Diverging());
    const run = await createRun(env.store, tiny);
    await expect(executeRun(run.id, env)).rejects.toThrow(
      /SFT step 2 gave a loss that is not a number .*lower sft\.learningRate/,
    );
    const stored = await env.store.getRun(run.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.error).toMatch(/not a number/);
  });
});
