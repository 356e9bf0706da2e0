import { describe, expect, it } from 'vitest';
import {
  lossNormaliserOf,
  lossWeightsOf,
  positionsOf,
  segmentsFromLengths,
  validateBatch,
} from '../../src/model/batch.ts';
import {
  MODEL_PRESETS,
  PRESET_NAMES,
  modelConfig,
  validateModelConfig,
  type ModelConfig,
  type PresetName,
} from '../../src/model/config.ts';
import {
  INIT_STD,
  TENSOR_ALIGNMENT,
  initParameters,
  parameterLayout,
  tensorView,
} from '../../src/model/layout.ts';

const tiny: ModelConfig = {
  layers: 2,
  width: 16,
  heads: 2,
  ffWidth: 64,
  context: 8,
  vocabSize: 11,
  positions: 'learned',
};

function std(values: ArrayLike<number>): number {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    squares += values[i]! * values[i]!;
  }
  const mean = sum / values.length;
  return Math.sqrt(squares / values.length - mean * mean);
}

describe('model configuration', () => {
  it('has the four presets of the engine issue', () => {
    expect(MODEL_PRESETS.small).toMatchObject({ layers: 4, width: 128, heads: 4, context: 1024 });
    expect(MODEL_PRESETS.base).toMatchObject({ layers: 6, width: 256, heads: 8, context: 1024 });
    expect(MODEL_PRESETS.large).toMatchObject({ layers: 8, width: 512, context: 2048 });
    expect(MODEL_PRESETS.nano).toMatchObject({ layers: 2, width: 64, context: 256 });
    for (const name of PRESET_NAMES) {
      for (const positions of ['learned', 'rotary'] as const) {
        const config = modelConfig(name, { vocabSize: 260, positions });
        expect(config.ffWidth).toBe(4 * config.width);
        expect(() => parameterLayout(config)).not.toThrow();
      }
    }
    expect(modelConfig('nano', { vocabSize: 260 }).positions).toBe('rotary');
  });

  it('says what is wrong and how to fix it', () => {
    expect(() => validateModelConfig({ ...tiny, heads: 3 })).toThrow(
      'width (16) must be divisible by heads (3): choose heads among 1, 2, 4, 8, 16',
    );
    expect(() => validateModelConfig({ ...tiny, width: 18, heads: 2, positions: 'rotary' })).toThrow(
      /head width .* must be even: change heads or width, or use positions: 'learned'/,
    );
    expect(() => validateModelConfig({ ...tiny, width: 18, heads: 2 })).not.toThrow();
    const many = (): ModelConfig => validateModelConfig({ ...tiny, layers: 0, context: 2.5, vocabSize: 1 });
    expect(many).toThrow('layers must be an integer >= 1 (got 0)');
    expect(many).toThrow('context must be an integer >= 1 (got 2.5)');
    expect(many).toThrow('vocabSize must be an integer >= 2 (got 1)');
    expect(() => validateModelConfig({ ...tiny, positions: 'alibi' as 'rotary' })).toThrow(
      "positions must be 'learned' or 'rotary' (got alibi)",
    );
    expect(() => modelConfig('huge' as PresetName, { vocabSize: 260 })).toThrow(
      'Unknown model preset "huge": choose one of nano, small, base, large.',
    );
  });
});

describe('parameter layout', () => {
  it('counts parameters by hand', () => {
    // wte 11*16 = 176; wpe 8*16 = 128; per block: ln1 32, qkv 768 + 48, proj 256 + 16, ln2 32,
    // fc 1024 + 64, fc proj 1024 + 16 = 3280; two blocks 6560; lnf 32
    expect(parameterLayout(tiny).parameterCount).toBe(176 + 128 + 6560 + 32);
    expect(parameterLayout({ ...tiny, positions: 'rotary' }).parameterCount).toBe(176 + 6560 + 32);
    // nano, V = 260, rotary: wte 16640; per block 128 + 12480 + 4160 + 128 + 16640 + 16448 = 49984
    expect(parameterLayout(modelConfig('nano', { vocabSize: 260 })).parameterCount).toBe(
      16640 + 2 * 49984 + 128,
    );
  });

  it('lays tensors out in state-dict order, aligned to 256 bytes, without overlap', () => {
    const layout = parameterLayout(tiny);
    expect(layout.tensors.map((t) => t.name).slice(0, 8)).toEqual([
      'wte',
      'wpe',
      'blocks.0.ln1.weight',
      'blocks.0.ln1.bias',
      'blocks.0.attn.qkv.weight',
      'blocks.0.attn.qkv.bias',
      'blocks.0.attn.proj.weight',
      'blocks.0.attn.proj.bias',
    ]);
    expect(layout.tensors.at(-1)?.name).toBe('lnf.bias');
    expect(layout.blocks[1]?.fcProjWeight).toMatchObject({
      name: 'blocks.1.mlp.proj.weight',
      shape: [16, 64],
    });
    let end = 0;
    for (const tensor of layout.tensors) {
      expect(tensor.offset % TENSOR_ALIGNMENT).toBe(0);
      expect(tensor.offset).toBeGreaterThanOrEqual(end);
      expect(tensor.size).toBe(tensor.shape.reduce((a, b) => a * b, 1));
      end = tensor.offset + tensor.size;
    }
    expect(layout.totalFloats).toBeGreaterThanOrEqual(end);
    expect(layout.totalFloats % TENSOR_ALIGNMENT).toBe(0);
    expect(parameterLayout({ ...tiny, positions: 'rotary' }).wpe).toBeNull();
  });

  it('initialises like GPT-2, reproducibly from the seed', () => {
    const config = modelConfig('nano', { vocabSize: 260 });
    const layout = parameterLayout(config);
    const params = initParameters(layout, 7);
    expect(initParameters(layout, 7)).toEqual(params);
    expect(initParameters(layout, 8)).not.toEqual(params);
    const block = layout.blocks[0]!;
    // 12288 draws: the sample std is within a few percent of the target
    expect(std(tensorView(params, block.qkvWeight)) / INIT_STD).toBeCloseTo(1, 1);
    expect(
      std(tensorView(params, block.fcProjWeight)) / (INIT_STD / Math.sqrt(2 * config.layers)),
    ).toBeCloseTo(1, 1);
    expect(std(tensorView(params, layout.wte)) / INIT_STD).toBeCloseTo(1, 1);
    expect(tensorView(params, block.ln2Weight).every((x) => x === 1)).toBe(true);
    expect(tensorView(params, block.qkvBias).every((x) => x === 0)).toBe(true);
    // the alignment gaps stay zero
    const inTensor = new Uint8Array(layout.totalFloats);
    for (const t of layout.tensors) inTensor.fill(1, t.offset, t.offset + t.size);
    expect(params.every((x, i) => inTensor[i] === 1 || x === 0)).toBe(true);
  });

  it('decays matrices and embeddings, not biases or norm gains', () => {
    const layout = parameterLayout(tiny);
    const decayed = layout.tensors.filter((t) => t.decay).map((t) => t.name);
    expect(decayed).toEqual([
      'wte',
      'wpe',
      'blocks.0.attn.qkv.weight',
      'blocks.0.attn.proj.weight',
      'blocks.0.mlp.fc.weight',
      'blocks.0.mlp.proj.weight',
      'blocks.1.attn.qkv.weight',
      'blocks.1.attn.proj.weight',
      'blocks.1.mlp.fc.weight',
      'blocks.1.mlp.proj.weight',
    ]);
  });
});

describe('token batches', () => {
  it('derives positions from segments: right padding, left padding and packing', () => {
    const segments = Int32Array.from([
      0, 0, 0, -1, -1, /* row 2 */ -1, -1, 0, 0, 0, /* row 3 */ 0, 0, 1, 1, 1,
    ]);
    const positions = positionsOf({ batchSize: 3, seqLen: 5, tokens: new Int32Array(15), segments });
    expect(Array.from(positions)).toEqual([0, 1, 2, 0, 1, 0, 1, 0, 1, 2, 0, 1, 0, 1, 2]);
    expect(Array.from(segmentsFromLengths([2, 4], 3))).toEqual([0, 0, -1, 0, 0, 0]);
  });

  it('defaults the weights to 1 off padding and the normaliser to the count of nonzero weights', () => {
    const batch = {
      batchSize: 1,
      seqLen: 4,
      tokens: new Int32Array(4),
      segments: segmentsFromLengths([3], 4),
    };
    const weights = lossWeightsOf(batch);
    expect(Array.from(weights)).toEqual([1, 1, 1, 0]);
    expect(lossNormaliserOf(batch, weights)).toBe(3);
    expect(lossNormaliserOf(batch, Float64Array.from([0.5, -2, 0, 0]))).toBe(2);
    expect(lossNormaliserOf(batch, new Float64Array(4))).toBe(1);
    expect(lossNormaliserOf({ ...batch, normaliser: 40 }, weights)).toBe(40);
  });

  it('rejects a batch that does not fit the model, saying why', () => {
    const tokens = Int32Array.from([1, 2, 3, 4]);
    expect(() => validateBatch({ batchSize: 1, seqLen: 4, tokens }, tiny)).not.toThrow();
    expect(() => validateBatch({ batchSize: 1, seqLen: 9, tokens: new Int32Array(9) }, tiny)).toThrow(
      "seqLen must be an integer in 1..8 (the model's context), got 9",
    );
    expect(() => validateBatch({ batchSize: 2, seqLen: 4, tokens }, tiny)).toThrow(
      'tokens has 4 entries, expected batchSize * seqLen = 8',
    );
    expect(() =>
      validateBatch({ batchSize: 1, seqLen: 4, tokens: Int32Array.from([1, 11, 0, 0]) }, tiny),
    ).toThrow('tokens[1] = 11 is outside 0..10');
    expect(() =>
      validateBatch({ batchSize: 1, seqLen: 4, tokens, targets: Int32Array.from([0, 0, -1, 0]) }, tiny),
    ).toThrow('targets[2] = -1 is outside 0..10');
    expect(() =>
      validateBatch({ batchSize: 1, seqLen: 4, tokens, weights: Float32Array.from([1, NaN, 1, 1]) }, tiny),
    ).toThrow('weights[1] is NaN, not a finite number');
    expect(() => validateBatch({ batchSize: 1, seqLen: 4, tokens, normaliser: 0 }, tiny)).toThrow(
      'normaliser must be a positive number (got 0)',
    );
  });
});
