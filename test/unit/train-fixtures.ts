import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll } from 'vitest';
import { FastCpuEngine } from '../../src/engine/cpu/engine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { DomEnvPool } from '../../src/env/dom-pool.ts';
import { DexieStore } from '../../src/store/db.ts';
import { parseRunConfig, type RunConfigInput } from '../../src/train/config.ts';
import { envOptionsOf, type RunEnvironment } from '../../src/train/run-environment.ts';

/**
 * Training tests run on the fast CPU engine (its kernels are tested against the float64 reference,
 * which has tests of its own). Engines made here are disposed after the file's tests.
 */
const engines: Engine[] = [];
export async function cpuEngine(): Promise<Engine> {
  const engine = await FastCpuEngine.open();
  engines.push(engine);
  return engine;
}
const sharedEngine = await cpuEngine();
afterAll(async () => {
  for (const engine of engines.splice(0)) await engine.dispose();
});

/** A tiny run: nano on the CPU, click-test to train on, focus-text held out, a few steps of each phase. */
export const tiny: RunConfigInput = {
  name: 'tiny',
  seed: 1,
  model: { preset: 'nano', maxNewTokens: 8 },
  env: {
    split: 'micro',
    tasks: ['click-test'],
    testTasks: ['focus-text'],
    maxSteps: 2,
    poolSize: 2,
    observationFormat: 'axtree',
  },
  teacher: { seeds: '3-5' },
  sft: { steps: 2, batchSize: 2, warmupSteps: 0, learningRate: 1e-3 },
  rl: {
    iterations: 1,
    goalsPerIteration: 1,
    groupSize: 2,
    effectiveBatchSize: 2,
    updatesPerRollout: 1,
    maxRolloutRounds: 2,
    seeds: '3-50',
    temperature: 1,
    errorLogFeedback: true,
  },
  eval: { every: 2, heldOutGoalSeeds: '0', heldOutTaskSeeds: '0' },
  checkpointEvery: 1,
};

let undo: (() => void)[] = [];

/** Closes what the test's environments opened (call it in afterEach). */
export function cleanup(): void {
  for (const close of undo) close();
  undo = [];
}

/** Runs `close` at the test's cleanup. */
export function onCleanup(close: () => void): void {
  undo.push(close);
}

export function environment(
  engine: Engine = sharedEngine,
  config: RunConfigInput = tiny,
): RunEnvironment & { store: DexieStore } {
  const store = new DexieStore(`run-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const runner = new DomEnvPool(2, envOptionsOf(parseRunConfig(config).env));
  undo.push(
    () => store.close(),
    () => runner.dispose(),
  );
  return {
    engine,
    runner,
    store,
    loadAsset: () => Promise.reject(new Error('no assets in this test')),
  };
}

/** The engine, whose `call`-th training step throws `error` (a crash mid-run); the other steps train. */
export function crashingAt(engine: Engine, call: number, error: Error): Engine {
  let trainSteps = 0;
  return new Proxy(engine, {
    get(target, key, receiver) {
      if (key === 'trainStep') {
        return (...args: Parameters<Engine['trainStep']>) => {
          if (++trainSteps === call) throw error;
          return target.trainStep(...args);
        };
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
