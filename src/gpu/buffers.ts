/**
 * Storage buffers: a pool that reuses them by size class, and the upload and read-back helpers
 * tests and checkpoints use. Every storage buffer can be copied to and from, so any tensor can be
 * read back or overwritten without a second kind of buffer.
 */

/**
 * GPUBufferUsage.STORAGE | COPY_SRC | COPY_DST, spelled as the spec's numbers so that importing
 * this module does not throw where WebGPU is missing (the engine then falls back to the CPU).
 */
export const STORAGE_USAGE = 0x80 | 0x04 | 0x08;

/** A tensor on the GPU: a whole buffer or a range of one (offsets in bytes, multiples of 256). */
export type GpuTensor = GPUBuffer | GPUBufferBinding;

/** The range of `buffer` that holds floats [offset, offset + size) of a flat array (a layout tensor). */
export function tensorRange(buffer: GPUBuffer, range: { offset: number; size: number }): GPUBufferBinding {
  return { buffer, offset: range.offset * 4, size: range.size * 4 };
}

/** Bytes a pooled buffer of at least `bytes` has: 256, then 4 classes per power of two (waste under 25%). */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const step = 2 ** Math.max(8, Math.floor(Math.log2(bytes)) - 2);
  return Math.ceil(bytes / step) * step;
}

/**
 * Storage buffers reused by size class. A released buffer may be handed out again at once, even
 * while commands that use it are still recorded but not submitted: the queue runs commands in
 * order, so the next user's writes come after the last user's reads. Do not release a buffer that
 * is being mapped for read-back.
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly owned = new Set<GPUBuffer>();
  private liveBytes = 0;

  constructor(private readonly device: GPUDevice) {}

  /** A storage buffer of at least `bytes` (its contents are whatever its last user left). */
  acquire(bytes: number, label = 'pooled'): GPUBuffer {
    const size = sizeClass(bytes);
    const reused = this.free.get(size)?.pop();
    if (reused !== undefined) return reused;
    const buffer = this.device.createBuffer({ label, size, usage: STORAGE_USAGE });
    this.owned.add(buffer);
    this.liveBytes += size;
    return buffer;
  }

  /** A pooled buffer for `count` floats (or 32-bit integers). */
  acquireFloats(count: number, label?: string): GPUBuffer {
    return this.acquire(Math.max(count, 1) * 4, label);
  }

  release(buffer: GPUBuffer): void {
    if (!this.owned.has(buffer)) throw new Error(`Buffer "${buffer.label}" does not belong to this pool.`);
    const list = this.free.get(buffer.size) ?? [];
    if (list.includes(buffer)) throw new Error(`Buffer "${buffer.label}" was released twice.`);
    list.push(buffer);
    this.free.set(buffer.size, list);
  }

  /** Bytes of GPU memory the pool holds, in use or free. */
  get bytes(): number {
    return this.liveBytes;
  }

  /** Frees the buffers not in use. */
  trim(): void {
    for (const list of this.free.values()) {
      for (const buffer of list) {
        this.owned.delete(buffer);
        this.liveBytes -= buffer.size;
        buffer.destroy();
      }
    }
    this.free.clear();
  }

  /** Frees every buffer of the pool, in use or not. */
  destroy(): void {
    for (const buffer of this.owned) buffer.destroy();
    this.owned.clear();
    this.free.clear();
    this.liveBytes = 0;
  }
}

/** A new storage buffer holding `data` as float32 (float64 input is rounded), padded to 4 floats. */
export function uploadFloats(device: GPUDevice, data: ArrayLike<number>, label = 'floats'): GPUBuffer {
  return uploadWords(device, Float32Array.from(data), label);
}

/** A new storage buffer holding `data` as int32. */
export function uploadInts(device: GPUDevice, data: ArrayLike<number>, label = 'ints'): GPUBuffer {
  return uploadWords(device, Int32Array.from(data), label);
}

function uploadWords(device: GPUDevice, words: Float32Array | Int32Array, label: string): GPUBuffer {
  const size = Math.max(16, Math.ceil(words.length / 4) * 16);
  const buffer = device.createBuffer({ label, size, usage: STORAGE_USAGE, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(
    new Uint8Array(words.buffer, words.byteOffset, words.byteLength),
  );
  buffer.unmap();
  return buffer;
}

/** Reads `count` floats of a tensor back (submits a copy and waits for it: for tests and checkpoints). */
export async function readFloats(device: GPUDevice, tensor: GpuTensor, count: number): Promise<Float32Array> {
  return new Float32Array(await readBytes(device, tensor, count * 4));
}

export async function readInts(device: GPUDevice, tensor: GpuTensor, count: number): Promise<Int32Array> {
  return new Int32Array(await readBytes(device, tensor, count * 4));
}

async function readBytes(device: GPUDevice, tensor: GpuTensor, bytes: number): Promise<ArrayBuffer> {
  const { buffer, offset = 0 } = 'buffer' in tensor ? tensor : { buffer: tensor };
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const staging = device.createBuffer({
    label: 'read-back',
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder({ label: 'read-back' });
  encoder.copyBufferToBuffer(buffer, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0, bytes);
  staging.destroy();
  return copy;
}
