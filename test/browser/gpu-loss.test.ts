import { describe, expect, it } from 'vitest';
import { crossEntropyBackward, crossEntropyForward, logProbsForward } from '../../src/gpu/ops/loss.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import * as reference from '../../src/model/reference/loss.ts';
import { randomSource, read, run, TOLERANCE, upload, uploadIds, useGpu } from './gpu-harness.ts';

const gpu = useGpu();

describe('softmax cross-entropy and log-probabilities', () => {
  // [N, V]: V below, at and above the 64 threads of a row; weights as a loss mask and as advantages.
  for (const [N, V, weightKind] of [
    [1, 2, 'mask'],
    [7, 33, 'mask'],
    [33, 64, 'advantages'],
    [5, 259, 'mask'],
    [65, 7, 'advantages'],
  ] as const) {
    it(`match the reference for N=${N} V=${V} with ${weightKind} weights`, async () => {
      const ctx = gpu();
      const random = randomSource(`crossEntropy/${N}/${V}/${weightKind}`);
      // Wide logits: some probabilities underflow, the losses must stay finite.
      const logits = random.normal(N * V, 8);
      const targets = random.ints(N, V);
      const weights =
        weightKind === 'mask'
          ? Float64Array.from(random.ints(N, 3), (x) => (x === 0 ? 0 : 1))
          : random.normal(N);
      weights[0] = 1;
      const normaliser = weights.reduce((count, w) => count + (w === 0 ? 0 : 1), 0);

      const probs = new Float64Array(N * V);
      const losses = new Float64Array(N);
      const loss = reference.crossEntropyForward(probs, losses, logits, targets, weights, normaliser, N, V);
      const logProbs = new Float64Array(N);
      reference.logProbsForward(logProbs, logits, targets, N, V);

      const gpuLoss = ctx.pool.acquireFloats(1);
      const gpuProbs = ctx.pool.acquireFloats(N * V);
      const gpuLosses = ctx.pool.acquireFloats(N);
      const gpuLogProbs = ctx.pool.acquireFloats(N);
      const [gpuLogits, gpuTargets, gpuWeights] = [
        upload(ctx, logits),
        uploadIds(ctx, targets),
        upload(ctx, weights),
      ];
      await run(ctx, (encoder) => {
        crossEntropyForward(
          ctx,
          encoder,
          gpuLoss,
          gpuProbs,
          gpuLosses,
          gpuLogits,
          gpuTargets,
          gpuWeights,
          normaliser,
          N,
          V,
        );
        logProbsForward(ctx, encoder, gpuLogProbs, gpuLogits, gpuTargets, N, V);
      });
      expect(relativeError(await read(ctx, gpuLoss, 1), [loss])).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuProbs, N * V), probs)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuLosses, N), losses)).toBeLessThan(TOLERANCE);
      expect(relativeError(await read(ctx, gpuLogProbs, N), logProbs)).toBeLessThan(TOLERANCE);

      // The backward from the GPU's probabilities, into a nonzero gradient, with a dloss other than 1.
      const dlogits = random.normal(N * V);
      const gpuDlogits = upload(ctx, dlogits);
      await run(ctx, (encoder) =>
        crossEntropyBackward(
          ctx,
          encoder,
          gpuDlogits,
          gpuProbs,
          gpuTargets,
          gpuWeights,
          normaliser,
          N,
          V,
          0.5,
        ),
      );
      reference.crossEntropyBackward(dlogits, probs, targets, weights, normaliser, N, V, 0.5);
      expect(relativeError(await read(ctx, gpuDlogits, N * V), dlogits)).toBeLessThan(TOLERANCE);
      for (const buffer of [gpuLoss, gpuProbs, gpuLosses, gpuLogProbs]) ctx.pool.release(buffer);
    });
  }
});
