import { tiny } from './train-fixtures.ts';

/** A sweep spec small enough for unit tests on the CPU engine (a few seconds a run): tiny's settings. */

/** Three runs: the SFT run, one RL run branched at SFT step 2, one RL run from scratch. */
export const TINY_SPEC = {
  name: 'tiny',
  seed: 3,
  sftAmounts: [0, 2],
  rlRunsPerAmount: 1,
  budgets: { sftSteps: 2, rlIterations: 1 },
  baselines: false,
  checkpointEvery: 1,
  space: { effectiveBatchSize: [2], temperature: [0.5, 1], constrainedDecoding: [false] },
  base: {
    model: { maxNewTokens: 8 },
    env: { ...tiny.env, split: undefined },
    teacher: tiny.teacher,
    sft: { batchSize: 2, warmupSteps: 0, learningRate: 1e-3 },
    rl: { goalsPerIteration: 1, groupSize: 2, updatesPerRollout: 1, maxRolloutRounds: 2, seeds: '3-50' },
    eval: tiny.eval,
  },
};
