/**
 * A sweep spec small enough for tests on the CPU engine (a few seconds a run), with the tiny run's
 * settings (train-fixtures.ts) written out: this file imports nothing, so browser tests use it too.
 */

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
    env: {
      tasks: ['click-test'],
      testTasks: ['focus-text'],
      maxSteps: 2,
      poolSize: 2,
      observationFormat: 'axtree',
    },
    teacher: { seeds: '3-5' },
    sft: { batchSize: 2, warmupSteps: 0, learningRate: 1e-3 },
    rl: { goalsPerIteration: 1, groupSize: 2, updatesPerRollout: 1, maxRolloutRounds: 2, seeds: '3-50' },
    eval: { every: 2, heldOutGoalSeeds: '0', heldOutTaskSeeds: '0' },
  },
};
