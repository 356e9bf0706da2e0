/**
 * The safetensors format (https://huggingface.co/docs/safetensors): 8 bytes of header length N
 * (unsigned 64-bit little-endian), N bytes of JSON, then the tensors' bytes. The JSON maps each
 * tensor's name to {dtype, shape, data_offsets: [begin, end]} (offsets into the data, which the
 * tensors cover with no gaps or overlaps), plus an optional "__metadata__" of string to string.
 * Written with F32 tensors; read with F32 or F64 ones. Tensors are little-endian, as every
 * platform a browser runs on is.
 */

export type SafetensorsDtype = 'F32' | 'F64';

export interface SafetensorsTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

export interface SafetensorsFile {
  /** In the order of their data in the file. */
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A tensor to write: its values are rounded to float32. */
export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

const METADATA_KEY = '__metadata__';
const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = { F32: 4, F64: 8 };
/** The reference implementation refuses larger headers; so does this reader. */
const MAX_HEADER_BYTES = 100_000_000;

/** One safetensors file: the tensors in the order given, as F32, and the metadata. */
export function writeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata: Readonly<Record<string, string>> = {},
): ArrayBuffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let dataBytes = 0;
  for (const tensor of tensors) {
    if (tensor.name === METADATA_KEY || tensor.name in header) {
      throw new Error(`Tensor name "${tensor.name}" is reserved or used twice in one safetensors file.`);
    }
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    if (elements !== tensor.data.length) {
      throw new Error(
        `Tensor "${tensor.name}" has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}].`,
      );
    }
    const begin = dataBytes;
    dataBytes += elements * 4;
    header[tensor.name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [begin, dataBytes] };
  }
  // Spaces pad the JSON so the data starts on an 8-byte boundary, as the reference writer does.
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  }
  const buffer = new ArrayBuffer(8 + json.length + dataBytes);
  new DataView(buffer).setBigUint64(0, BigInt(json.length), true);
  new Uint8Array(buffer, 8, json.length).set(json);
  let at = 8 + json.length;
  for (const tensor of tensors) {
    const values = new Float32Array(buffer, at, tensor.data.length);
    for (let i = 0; i < tensor.data.length; i++) values[i] = tensor.data[i]!;
    at += values.byteLength;
  }
  return buffer;
}

/** Parses and checks a safetensors file; throws one error that says what is wrong with it. */
export function readSafetensors(buffer: ArrayBuffer): SafetensorsFile {
  const fail = (problem: string): never => {
    throw new Error(`Not a valid safetensors file: ${problem}.`);
  };
  if (buffer.byteLength < 8) fail(`it has ${buffer.byteLength} bytes, fewer than the 8-byte header length`);
  const headerLength = new DataView(buffer).getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, buffer.byteLength - 8))) {
    fail(`the header length ${headerLength} does not fit in the file (${buffer.byteLength} bytes)`);
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(buffer, 8, dataStart - 8)),
    );
  } catch (error) {
    fail(`the header is not UTF-8 JSON (${String(error)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail('the header is not a JSON object');
  }
  const dataLength = buffer.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] =
    [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (typeof entry !== 'object' || entry === null) fail('__metadata__ is not an object');
      for (const [key, value] of Object.entries(entry as object)) {
        if (typeof value !== 'string') fail(`__metadata__.${key} is not a string`);
        metadata[key] = value as string;
      }
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
    if (dtype !== 'F32' && dtype !== 'F64') {
      fail(`tensor "${name}" has dtype ${String(dtype)}; this reader takes F32 and F64`);
    }
    const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor "${name}" has no valid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      fail(`tensor "${name}" has no valid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    const expected = elements * BYTES_PER_ELEMENT[dtype as SafetensorsDtype];
    if (end - begin !== expected) {
      fail(`tensor "${name}" spans ${end - begin} bytes, its shape and dtype need ${expected}`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin);
  let covered = 0;
  for (const entry of entries) {
    if (entry.begin !== covered) {
      fail(
        `the data of tensor "${entry.name}" starts at byte ${entry.begin}, not ${covered} (a gap or an overlap)`,
      );
    }
    covered = entry.end;
  }
  if (covered !== dataLength) fail(`the tensors cover ${covered} bytes of data, the file has ${dataLength}`);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const { name, dtype, shape, begin, end } of entries) {
    // Copied: a view would need the data aligned to the element size, which the format does not promise.
    const bytes = buffer.slice(dataStart + begin, dataStart + end);
    const data = dtype === 'F32' ? new Float32Array(bytes) : new Float64Array(bytes);
    tensors.set(name, { dtype, shape, data });
  }
  return { tensors, metadata };
}
