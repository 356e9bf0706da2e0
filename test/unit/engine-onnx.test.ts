import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/engine/onnx.ts';
import { ProtoWriter } from '../../src/engine/protobuf.ts';
import { modelConfig, type ModelConfig, type PositionKind } from '../../src/model/config.ts';
import { initParameters, parameterLayout, tensorView } from '../../src/model/layout.ts';
import { relativeError } from '../../src/model/reference/check.ts';
import { modelForward } from '../../src/model/reference/model.ts';

ort.env.wasm.numThreads = 1;

describe('the protobuf encoder', () => {
  it('writes varints, negative int64s, floats, strings and nested messages as the wire format says', () => {
    const bytes = new ProtoWriter()
      .varint(1, 150)
      .varint(2, -1)
      .float(3, 1.5)
      .string(4, 'hé')
      .message(5, (inner) => inner.varint(1, 1))
      .packedVarints(6, [3, 270])
      .finish();
    expect(Array.from(bytes)).toEqual([
      ...[0x08, 0x96, 0x01], // field 1 varint 150
      ...[0x10, ...Array<number>(9).fill(0xff), 0x01], // field 2 varint -1: ten bytes
      ...[0x1d, 0x00, 0x00, 0xc0, 0x3f], // field 3 fixed32 1.5
      ...[0x22, 0x03, 0x68, 0xc3, 0xa9], // field 4 "hé" in UTF-8
      ...[0x2a, 0x02, 0x08, 0x01], // field 5 message {1: 1}
      ...[0x32, 0x03, 0x03, 0x8e, 0x02], // field 6 packed [3, 270]
    ]);
  });
});

describe('the ONNX export of the forward pass', () => {
  for (const positions of ['learned', 'rotary'] as PositionKind[]) {
    it(`runs in onnxruntime (wasm, in Node) and matches the reference's logits with ${positions} positions`, async () => {
      const config: ModelConfig = { ...modelConfig('nano', { vocabSize: 37, positions }), context: 32 };
      const layout = parameterLayout(config);
      const params = initParameters(layout, `onnx/${positions}`);
      // Biases and gains away from their initial 0 and 1, so that every tensor is exercised.
      for (const tensor of layout.tensors) {
        if (tensor.init === 'zeros' || tensor.init === 'ones') {
          tensorView(params, tensor).forEach(
            (x, i, view) => (view[i] = x + 0.05 * Math.sin(i + tensor.offset)),
          );
        }
      }
      const session = await ort.InferenceSession.create(exportOnnx(config, params));
      expect(session.inputNames).toEqual(['tokens']);
      expect(session.outputNames).toEqual(['logits']);
      for (const [B, T] of [
        [2, 9],
        [1, 32],
      ] as const) {
        const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 11 + 5) % config.vocabSize);
        const feeds = { tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [B, T]) };
        const { logits } = await session.run(feeds);
        expect(logits!.dims).toEqual([B, T, config.vocabSize]);
        const reference = modelForward(layout, Float64Array.from(params), {
          batchSize: B,
          seqLen: T,
          tokens,
        });
        expect(relativeError(logits!.data as Float32Array, reference.logits)).toBeLessThan(1e-4);
      }
      await session.release();
    });
  }
});
