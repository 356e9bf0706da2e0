import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { MODEL_PRESETS, ROTARY_BASE } from '../model/config.ts';
import {
  randomBatch,
  round,
  timeRepeated,
  timeRuns,
  type BenchEnginePlan,
  type MatmulShape,
  type TfjsMeasurements,
  type TrainShape,
} from './bench-engine-plan.ts';

/**
 * The engine benchmark's comparison: the same matmuls and the same model's training step written
 * the way a user of TF.js would, on tfjs-backend-webgpu, with TF.js's autodiff and its Adam. The
 * model is the engine's (pre-norm GPT, rotary positions in the rotate-half layout, tanh GELU,
 * tied output embedding); attention is the plain [T, T] masked softmax, since TF.js has no fused one.
 */

export async function measureTfjs(
  plan: BenchEnginePlan,
  say: (line: string) => void,
): Promise<TfjsMeasurements> {
  try {
    if (!(await tf.setBackend('webgpu'))) return { skipped: 'tfjs-backend-webgpu did not start.' };
    await tf.ready();
  } catch (error) {
    return { skipped: `tfjs-backend-webgpu did not start: ${(error as Error).message}` };
  }
  const backend = tf.getBackend();
  const result = {
    matmulGflops: {} as Record<string, number>,
    trainTokensPerSecond: {} as Record<string, number>,
  };
  try {
    for (const shape of plan.matmuls) {
      const seconds = await timeMatmul(shape, plan);
      result.matmulGflops[shape.name] = round((2 * shape.M * shape.N * shape.K) / seconds / 1e9);
      say(`tfjs matmul ${shape.name}: ${result.matmulGflops[shape.name]} GFLOP/s`);
    }
    for (const shape of plan.train) {
      const seconds = await timeTraining(shape, plan);
      result.trainTokensPerSecond[shape.preset] = round((shape.batchSize * shape.seqLen) / seconds);
      say(`tfjs train ${shape.preset}: ${result.trainTokensPerSecond[shape.preset]} tokens/s`);
    }
  } finally {
    tf.disposeVariables();
    tf.engine().reset();
  }
  return { ...result, version: tf.version.tfjs, backend };
}

/** Waits for all TF.js work up to `t` by reading one element of it back. */
async function finish(t: tf.Tensor): Promise<void> {
  const corner = tf.tidy(() => t.reshape([-1]).slice(0, 1));
  await corner.data();
  corner.dispose();
}

async function timeMatmul(shape: MatmulShape, plan: BenchEnginePlan): Promise<number> {
  const a = tf.randomUniform([shape.M, shape.K], -1, 1);
  const b = tf.randomUniform([shape.N, shape.K], -1, 1);
  try {
    return await timeRepeated(async (count) => {
      let last: tf.Tensor | null = null;
      for (let i = 0; i < count; i++) {
        last?.dispose();
        last = tf.matMul(a, b, false, true);
      }
      await finish(last!);
      last!.dispose();
    }, plan);
  } finally {
    a.dispose();
    b.dispose();
  }
}

interface BlockVariables {
  ln1Weight: tf.Variable;
  ln1Bias: tf.Variable;
  qkvWeight: tf.Variable;
  qkvBias: tf.Variable;
  attnProjWeight: tf.Variable;
  attnProjBias: tf.Variable;
  ln2Weight: tf.Variable;
  ln2Bias: tf.Variable;
  fcWeight: tf.Variable;
  fcBias: tf.Variable;
  fcProjWeight: tf.Variable;
  fcProjBias: tf.Variable;
}

async function timeTraining(shape: TrainShape, plan: BenchEnginePlan): Promise<number> {
  const { width: C, heads: NH, ffWidth: F, layers: L } = MODEL_PRESETS[shape.preset];
  const { batchSize: B, seqLen: T } = shape;
  const V = plan.vocabSize;
  const hs = C / NH;
  const half = hs / 2;
  const normal = (rows: number, cols: number, std = 0.02): tf.Variable =>
    tf.variable(tf.randomNormal([rows, cols], 0, std));
  const vector = (n: number, value: number): tf.Variable => tf.variable(tf.fill([n], value));
  const wte = normal(V, C);
  const blocks: BlockVariables[] = Array.from({ length: L }, () => ({
    ln1Weight: vector(C, 1),
    ln1Bias: vector(C, 0),
    qkvWeight: normal(3 * C, C),
    qkvBias: vector(3 * C, 0),
    attnProjWeight: normal(C, C, 0.02 / Math.sqrt(2 * L)),
    attnProjBias: vector(C, 0),
    ln2Weight: vector(C, 1),
    ln2Bias: vector(C, 0),
    fcWeight: normal(F, C),
    fcBias: vector(F, 0),
    fcProjWeight: normal(C, F, 0.02 / Math.sqrt(2 * L)),
    fcProjBias: vector(C, 0),
  }));
  const lnfWeight = vector(C, 1);
  const lnfBias = vector(C, 0);

  const batch = randomBatch(B, T, V, 3);
  const tokens = tf.tensor1d(batch.tokens, 'int32');
  const targets = tf.oneHot(tf.tensor1d(batch.targets!, 'int32'), V);
  // Rotary angles [T, hs/2]: position t, pair i turns by t * base^(-2i / hs).
  const angles = tf.tidy(() =>
    tf.outerProduct(tf.range(0, T), tf.pow(ROTARY_BASE, tf.range(0, half).mul(-2 / hs))),
  );
  const cos = tf.cos(angles);
  const sin = tf.sin(angles);
  const mask = tf.tidy(() => tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)).mul(-1e9));
  const constants = [tokens, targets, angles, cos, sin, mask];

  const layerNorm = (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x
      .sub(mean)
      .mul(tf.rsqrt(variance.add(1e-5)))
      .mul(weight)
      .add(bias);
  };
  const linear = (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor =>
    tf.matMul(x as tf.Tensor2D, weight as tf.Tensor2D, false, true).add(bias);
  const gelu = (x: tf.Tensor): tf.Tensor =>
    x.mul(0.5).mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));
  // [B, NH, T, hs] in the rotate-half layout: channel i pairs with i + hs/2.
  const rotate = (x: tf.Tensor): tf.Tensor => {
    const [x1, x2] = tf.split(x, 2, -1) as [tf.Tensor, tf.Tensor];
    return tf.concat([x1.mul(cos).sub(x2.mul(sin)), x1.mul(sin).add(x2.mul(cos))], -1);
  };
  const attention = (qkv: tf.Tensor): tf.Tensor => {
    // [N, 3C] -> 3 x [B, NH, T, hs]
    const heads = qkv.reshape([B, T, 3, NH, hs]).transpose([2, 0, 3, 1, 4]);
    const [q, k, v] = tf.unstack(heads) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const scores = tf.matMul(rotate(q) as tf.Tensor4D, rotate(k) as tf.Tensor4D, false, true);
    const att = tf.softmax(scores.mul(1 / Math.sqrt(hs)).add(mask));
    return tf
      .matMul(att as tf.Tensor4D, v as tf.Tensor4D)
      .transpose([0, 2, 1, 3])
      .reshape([B * T, C]);
  };
  const loss = (): tf.Scalar => {
    let x: tf.Tensor = tf.gather(wte, tokens);
    for (const p of blocks) {
      const y = attention(linear(layerNorm(x, p.ln1Weight, p.ln1Bias), p.qkvWeight, p.qkvBias));
      x = x.add(linear(y, p.attnProjWeight, p.attnProjBias));
      const h = gelu(linear(layerNorm(x, p.ln2Weight, p.ln2Bias), p.fcWeight, p.fcBias));
      x = x.add(linear(h, p.fcProjWeight, p.fcProjBias));
    }
    const logits = tf.matMul(layerNorm(x, lnfWeight, lnfBias) as tf.Tensor2D, wte, false, true);
    return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
  };
  const optimizer = tf.train.adam(3e-4, 0.9, 0.95, 1e-8);
  try {
    return await timeRuns(
      async () => {
        const cost = optimizer.minimize(loss, true);
        await cost!.data();
        cost!.dispose();
      },
      plan.warmupRuns,
      plan.timedRuns,
    );
  } finally {
    optimizer.dispose();
    tf.dispose(constants);
    tf.disposeVariables();
  }
}
