import { describe, expect, it } from 'vitest';
import { logProbsForward, tokenLossBackward, tokenLossForward } from '../../src/gpu/ops/loss.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import * as reference from '../../src/model/reference/loss.ts';
import { randomSource, read, run, TOLERANCE, upload, uploadIds, useGpu } from './gpu-harness.ts';

const gpu = useGpu();

describe('the per-token loss and log-probabilities', () => {
  // [N, V]: V below, at and above the 64 threads of a row; weights as a loss mask (SFT) and as
  // advantages (RL: at a temperature, with and without the clipped ratio).
  for (const [N, V, kind] of [
    [1, 2, 'sft'],
    [7, 33, 'sft'],
    [33, 64, 'rl'],
    [5, 259, 'sft'],
    [65, 7, 'rl'],
    [17, 300, 'rl-ratio'],
    [64, 5, 'rl-ratio'],
  ] as const) {
    it(`matches the reference for N=${N} V=${V} (${kind})`, async () => {
      const ctx = gpu();
      const random = randomSource(`tokenLoss/${N}/${V}/${kind}`);
      // Wide logits: some probabilities underflow, the losses must stay finite.
      const logits = random.normal(N * V, 8);
      const targets = random.ints(N, V);
      const weights =
        kind === 'sft' ? Float64Array.from(random.ints(N, 3), (x) => (x === 0 ? 0 : 1)) : random.normal(N);
      weights[0] = 1;
      const normaliser = weights.reduce((count, w) => count + (w === 0 ? 0 : 1), 0);
      const temperature = kind === 'sft' ? 1 : 0.3 + 2 * Math.abs(random.normal(1)[0]!);
      // Old log-probabilities around the current ones: about a third of the ratios leave the clip.
      const current = new Float64Array(N);
      reference.logProbsForward(current, logits, targets, N, V, temperature);
      const oldLogProbs =
        kind === 'rl-ratio' ? current.map((lp, n) => lp + 0.6 * random.normal(1)[0]! + (n % 2) * 0.01) : null;
      const options = { temperature, oldLogProbs, clipEpsilon: oldLogProbs ? 0.2 : 0 };

      const probs = new Float64Array(N * V);
      const losses = new Float64Array(N);
      const gradWeights = new Float64Array(N);
      const loss = reference.tokenLossForward(
        probs,
        losses,
        gradWeights,
        logits,
        targets,
        weights,
        options,
        normaliser,
        N,
        V,
      );
      const logProbs = new Float64Array(N);
      reference.logProbsForward(logProbs, logits, targets, N, V, temperature);
      if (oldLogProbs) expect(gradWeights.some((g, n) => g === 0 && weights[n] !== 0)).toBe(true);

      const gpuLoss = ctx.pool.acquireFloats(1);
      const gpuProbs = ctx.pool.acquireFloats(N * V);
      const gpuLosses = ctx.pool.acquireFloats(N);
      const gpuGradWeights = ctx.pool.acquireFloats(N);
      const gpuLogProbs = ctx.pool.acquireFloats(N);
      const [gpuLogits, gpuTargets, gpuWeights] = [
        upload(ctx, logits),
        uploadIds(ctx, targets),
        upload(ctx, weights),
      ];
      const gpuOld = oldLogProbs ? upload(ctx, oldLogProbs) : null;
      await run(ctx, (encoder) => {
        tokenLossForward(
          ctx,
          encoder,
          gpuLoss,
          gpuProbs,
          gpuLosses,
          gpuGradWeights,
          gpuLogits,
          gpuTargets,
          gpuWeights,
          { temperature, oldLogProbs: gpuOld, clipEpsilon: options.clipEpsilon },
          normaliser,
          N,
          V,
        );
        logProbsForward(ctx, encoder, gpuLogProbs, gpuLogits, gpuTargets, N, V, temperature);
      });
      expect(relativeError(await read(ctx, gpuLoss, 1), [loss])).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuProbs, N * V), probs)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuLosses, N), losses)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuGradWeights, N), gradWeights)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuLogProbs, N), logProbs)).toBeLessThan(TOLERANCE);

      // The backward from the GPU's probabilities, into a nonzero gradient, with a dloss other than 1.
      const dlogits = random.normal(N * V);
      const gpuDlogits = upload(ctx, dlogits);
      await run(ctx, (encoder) =>
        tokenLossBackward(
          ctx,
          encoder,
          gpuDlogits,
          gpuProbs,
          gpuTargets,
          gpuGradWeights,
          temperature,
          normaliser,
          N,
          V,
          0.5,
        ),
      );
      reference.tokenLossBackward(dlogits, probs, targets, gradWeights, temperature, normaliser, N, V, 0.5);
      expect(relativeError(await read(ctx, gpuDlogits, N * V), dlogits)).toBeLessThan(TOLERANCE);
      for (const buffer of [gpuLoss, gpuProbs, gpuLosses, gpuGradWeights, gpuLogProbs])
        ctx.pool.release(buffer);
    });
  }
});
