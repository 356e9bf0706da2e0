import { describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint, writeWeights } from '../../src/engine/checkpoint.ts';
import { readSafetensors, writeSafetensors } from '../../src/engine/safetensors.ts';
import { modelConfig, type ModelConfig } from '../../src/model/config.ts';
import { initParameters, normalStream, parameterLayout, tensorView } from '../../src/model/layout.ts';

const config: ModelConfig = { ...modelConfig('nano', { vocabSize: 37, positions: 'learned' }), context: 16 };

/** A flat array of the layout with every tensor random and the alignment gaps zero. */
function randomFlat(seed: string): Float32Array {
  const layout = parameterLayout(config);
  const flat = new Float32Array(layout.totalFloats);
  const draw = normalStream(seed);
  for (const tensor of layout.tensors) tensorView(flat, tensor).forEach((_, i, view) => (view[i] = draw()));
  return flat;
}

/** Bitwise equality of two float32 arrays (expect's deep equality is slow on arrays this long). */
function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

describe('safetensors checkpoints', () => {
  it('round-trip the parameters, the optimizer moments and the step exactly', () => {
    const params = initParameters(parameterLayout(config), 'checkpoint');
    const optimizer = { m: randomFlat('m'), v: randomFlat('v').map(Math.abs), step: 17 };
    const checkpoint = writeCheckpoint({ config, params, optimizer });
    const back = readCheckpoint(checkpoint);
    expect(back.config).toEqual(config);
    expect(sameFloats(back.params, params)).toBe(true);
    expect(sameFloats(back.optimizer!.m, optimizer.m)).toBe(true);
    expect(sameFloats(back.optimizer!.v, optimizer.v)).toBe(true);
    expect(back.optimizer!.step).toBe(17);
    // A weights-only checkpoint loads with no optimizer state.
    expect(readCheckpoint({ weights: checkpoint.weights }).optimizer).toBeNull();
  });

  it('write bytes that parse as the format specifies: length, JSON header, contiguous F32 data', () => {
    const params = randomFlat('bytes');
    const buffer = writeWeights(config, params);
    const view = new DataView(buffer);
    const headerLength = Number(view.getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0); // the data starts 8-byte aligned
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, headerLength))) as Record<
      string,
      { dtype: string; shape: number[]; data_offsets: [number, number] }
    > & { __metadata__: Record<string, string> };
    expect(header.__metadata__).toMatchObject({
      layers: '2',
      width: '64',
      heads: '4',
      ffWidth: '256',
      context: '16',
      vocabSize: '37',
      positions: 'learned',
    });
    for (const value of Object.values(header.__metadata__)) expect(typeof value).toBe('string');

    const layout = parameterLayout(config);
    const names = Object.keys(header).filter((name) => name !== '__metadata__');
    expect(names.sort()).toEqual(layout.tensors.map((t) => t.name).sort());
    const dataStart = 8 + headerLength;
    let end = 0;
    for (const tensor of layout.tensors) {
      const entry = header[tensor.name]!;
      expect(entry.dtype).toBe('F32');
      expect(entry.shape).toEqual(tensor.shape);
      const [begin, stop] = entry.data_offsets;
      expect(begin).toBe(end); // written in layout order, no gaps
      expect(stop - begin).toBe(tensor.size * 4);
      const stored = new Float32Array(buffer.slice(dataStart + begin, dataStart + stop));
      expect(stored).toEqual(tensorView(params, tensor));
      end = stop;
    }
    expect(buffer.byteLength).toBe(dataStart + end);
    expect(layout.tensors.map((t) => t.name)).toContain('wpe');
  });

  it('reads F64 tensors and files written by others (unaligned data, no metadata)', () => {
    const values = [1.5, -2.25, 3.125];
    const json = new TextEncoder().encode(
      JSON.stringify({ x: { dtype: 'F64', shape: [3], data_offsets: [0, 24] } }),
    );
    const buffer = new ArrayBuffer(8 + json.length + 24);
    new DataView(buffer).setBigUint64(0, BigInt(json.length), true);
    new Uint8Array(buffer, 8).set(json);
    const data = new DataView(buffer, 8 + json.length);
    values.forEach((value, i) => data.setFloat64(i * 8, value, true));
    const file = readSafetensors(buffer);
    expect(file.metadata).toEqual({});
    expect(Array.from(file.tensors.get('x')!.data)).toEqual(values);
  });

  it('refuse malformed files with a message that says what is wrong', () => {
    const good = writeSafetensors([
      { name: 'a', shape: [2], data: [1, 2] },
      { name: 'b', shape: [1], data: [3] },
    ]);
    expect(() => readSafetensors(good.slice(0, 4))).toThrow(/fewer than the 8-byte header length/);
    expect(() => readSafetensors(good.slice(0, good.byteLength - 4))).toThrow(/cover 12 bytes/);
    const withHeader = (header: object): ArrayBuffer => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const buffer = new ArrayBuffer(8 + json.length + 8);
      new DataView(buffer).setBigUint64(0, BigInt(json.length), true);
      new Uint8Array(buffer, 8).set(json);
      return buffer;
    };
    expect(() =>
      readSafetensors(withHeader({ a: { dtype: 'I16', shape: [4], data_offsets: [0, 8] } })),
    ).toThrow(/dtype I16/);
    expect(() =>
      readSafetensors(
        withHeader({
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [6, 10] },
        }),
      ),
    ).toThrow(/a gap or an overlap/);
    expect(() =>
      readSafetensors(withHeader({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } })),
    ).toThrow(/its shape and dtype need 12/);
    // Not the lab's: no configuration in the metadata.
    expect(() => readCheckpoint({ weights: good })).toThrow(/does not record the model configuration/);
  });

  it('refuse a checkpoint whose tensors do not fit the recorded configuration', () => {
    const other = parameterLayout({ ...config, width: 32, ffWidth: 128 });
    const tensors = other.tensors.map((t) => ({
      name: t.name,
      shape: t.shape,
      data: new Float32Array(t.size),
    }));
    const metadata = readSafetensors(writeWeights(config, randomFlat('meta'))).metadata;
    expect(() => readCheckpoint({ weights: writeSafetensors(tensors, metadata) })).toThrow(
      /Tensor "wte" has shape \[37, 32\] in the checkpoint; the model needs \[37, 64\]/,
    );
  });

  it('round float64 parameters (the CPU engine) to float32', () => {
    const params = Float64Array.from(randomFlat('f64'), (x) => x + 1e-12);
    const back = readCheckpoint({ weights: writeWeights(config, params) });
    expect(sameFloats(back.params, Float32Array.from(params))).toBe(true);
  });
});
