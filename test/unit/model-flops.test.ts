import { describe, expect, it } from 'vitest';
import { modelConfig } from '../../src/model/config.ts';
import { flopsPerToken, flopsTerms, generatedTokensFlops, trainingStepFlops } from '../../src/model/flops.ts';

// L = 2, h = 16, n = 2, f = 64, V = 11
const tiny = { layers: 2, width: 16, heads: 2, ffWidth: 64, vocabSize: 11 };

describe('FLOPs with the paper formula', () => {
  it('computes each term by hand for a tiny model at s = 8', () => {
    // F_attn = 12 * 2 * 16^2 * (1 + 2/2 + 8/16) = 6144 * 2.5 = 15360
    // F_mlp = 18 * 2 * 16 * 64 = 36864
    // F_embed = 6 * 11 * 16 = 1056
    expect(flopsTerms(tiny, 8)).toEqual({ attention: 15360, mlp: 36864, embedding: 1056 });
    // (15360 + 36864 + 1056) = 53280; training x (1 + 3), generated x (1 + 0)
    expect(flopsPerToken(tiny, 8, 'training')).toBe(213120);
    expect(flopsPerToken(tiny, 8, 'generated')).toBe(53280);
  });

  it('counts a training step of B x T tokens and generated tokens', () => {
    // 3 x 8 tokens x 213120
    expect(trainingStepFlops(tiny, 3, 8)).toBe(5114880);
    // 10 tokens x 53280
    expect(generatedTokensFlops(tiny, 10, 8)).toBe(532800);
  });

  it('counts the small preset at 16 x 1024 tokens', () => {
    const small = modelConfig('small', { vocabSize: 260 });
    // F_attn = 12 * 4 * 128^2 * (1 + 1 + 1024/128) = 786432 * 10 = 7864320
    // F_mlp = 18 * 4 * 128 * 512 = 4718592;  F_embed = 6 * 260 * 128 = 199680
    // per training token: 12782592 * 4 = 51130368; times 16384 tokens
    expect(flopsPerToken(small, 1024, 'training')).toBe(51130368);
    expect(trainingStepFlops(small, 16, 1024)).toBe(837719949312);
  });

  it('counts a grouped-query teacher (Llama 3.1 8B shape) with g < n', () => {
    const llama8b = { layers: 32, width: 4096, heads: 32, queryGroups: 8, ffWidth: 14336, vocabSize: 128256 };
    // F_attn = 12 * 32 * 4096^2 * (1 + 8/32 + 4096/4096) = 6442450944 * 2.25 = 14495514624
    // F_mlp = 18 * 32 * 4096 * 14336 = 33822867456;  F_embed = 6 * 128256 * 4096 = 3152019456
    expect(flopsPerToken(llama8b, 4096, 'generated')).toBe(51470401536);
  });

  it('grows with the sequence length only through the attention term', () => {
    const short = flopsTerms(tiny, 8);
    const long = flopsTerms(tiny, 24);
    expect(long.attention - short.attention).toBe(12 * 2 * 16 * 16); // 12 L h^2 (16 / h)
    expect(long.mlp).toBe(short.mlp);
    expect(long.embedding).toBe(short.embedding);
  });
});
