import { describe, expect, it } from 'vitest';
import { createTokenizer, END_OF_TARGET } from '../../src/agent/tokenizer.ts';
import type { Engine, Generation } from '../../src/engine/engine.ts';
import type { Observation } from '../../src/env/env.ts';
import type { EpisodeRunner } from '../../src/env/runner.ts';
import type { EpisodeResult, EpisodeStep } from '../../src/env/episode.ts';
import { modelConfig } from '../../src/model/config.ts';
import { evaluate } from '../../src/train/evaluate.ts';

const tokenizer = createTokenizer({ kind: 'bytes' });
const nano = modelConfig('nano', { vocabSize: tokenizer.vocabSize });
const nanoTokenFlops = (s: number): number =>
  12 * 2 * 64 * 64 * (1 + 1 + s / 64) + 18 * 2 * 64 * 256 + 6 * 259 * 64;

/** An engine that always answers the same target. */
function fixedEngine(text: string, fail?: Error): Engine {
  const tokens = Int32Array.from([...tokenizer.encode(text), END_OF_TARGET]);
  return {
    async generate(prompts: readonly Int32Array[]): Promise<Generation[]> {
      if (fail) throw fail;
      return prompts.map(() => ({ tokens, logProbs: new Float32Array(tokens.length), finish: 'stop' }));
    },
  } as unknown as Engine;
}

const observation = (): Observation =>
  ({ utterance: 'G', text: 'obs', lastError: null, step: 0, tree: {} }) as unknown as Observation;

/** A runner of one-step episodes: success when the policy clicks "1", except on seed 2. */
const runner: EpisodeRunner = {
  size: 3,
  envOptions: {},
  async run(episodes, policyFor) {
    return Promise.all(
      episodes.map(async (episode): Promise<EpisodeResult> => {
        const step = await policyFor(episode)({ observation: observation(), history: [], memory: {} });
        const success = step.action === 'click("1")' && episode.seed !== 2;
        const recorded: EpisodeStep = {
          observation: 'obs',
          utterance: 'G',
          lastError: null,
          thought: step.thought,
          action: step.action,
          reward: success ? 1 : -1,
          error: null,
          ...(step.sample ? { sample: step.sample } : {}),
        };
        return {
          ...episode,
          success,
          reward: success ? 1 : -1,
          rawReward: 0,
          steps: [recorded],
          failure: null,
        };
      }),
    );
  },
};

const options = {
  tasks: ['click-test', 'focus-text'],
  seeds: [0, 1, 2],
  temperature: 0,
  prompt: { historyLength: 5, errorLogFeedback: true },
  model: nano,
  maxNewTokens: 32,
  constrainedDecoding: false,
  seed: 0,
};

describe('evaluate', () => {
  it('reports the success rate, its standard error, per-task rates and the inference FLOPs', async () => {
    const result = await evaluate(fixedEngine('ok\nAction: click("1")'), tokenizer, runner, options);
    // 2 tasks x 3 seeds, seed 2 fails: 4 of 6.
    expect(result.episodes).toBe(6);
    expect(result.success).toBeCloseTo(4 / 6, 12);
    expect(result.stderr).toBeCloseTo(Math.sqrt(((4 / 6) * (2 / 6)) / 6), 12);
    expect(result.perTask).toEqual({ 'click-test': 2 / 3, 'focus-text': 2 / 3 });
    // Prompt "Goal: G\nPrevious actions: none\nPage:\nobs" + START_OF_TARGET: 8 + 23 + 6 + 3 + 1 = 41 tokens;
    // generated 'ok\nAction: click("1")' + END_OF_TARGET: 2 + 9 + 10 + 1 = 22 tokens.
    expect(result.flops).toBeCloseTo(6 * 63 * nanoTokenFlops(63), 0);
  });

  it('stops on an engine failure instead of scoring it as failed episodes', async () => {
    const lost = new Error(
      'The GPU device was lost (destroyed). Rebuild the engine from the last checkpoint.',
    );
    await expect(evaluate(fixedEngine('x', lost), tokenizer, runner, options)).rejects.toThrow(
      /device was lost/,
    );
  });

  it('gives 0 with no episodes', async () => {
    const result = await evaluate(fixedEngine('x'), tokenizer, runner, { ...options, tasks: [] });
    expect(result).toEqual({ success: 0, stderr: 0, perTask: {}, episodes: 0, flops: 0 });
  });
});
