import { detectSimd, kernelModuleBytes, type RowKernel, type SimdKind } from './kernels.ts';
import {
  ARGS,
  BY_ROWS,
  canBlock,
  CHUNKS,
  CLAIM,
  CONTROL_INTS,
  coreCount,
  DONE,
  FAILED,
  JOB,
  KERNEL,
  KERNEL_NAMES,
  runChunks,
  SIZE,
  spawnWorker,
  ZERO,
  type PoolWorker,
} from './thread-pool.ts';

/**
 * Where the CPU engine's numbers live and who multiplies them: one WebAssembly memory (shared
 * between threads where SharedArrayBuffer exists), a bump allocator over it, and a pool of
 * workers that each instantiate the kernel module on that same memory. A matrix product is split
 * by rows (or by columns when there are few rows) between the calling thread and the workers,
 * which wait on Atomics in a small control block (thread-pool.ts): no messages, no copies.
 * Elementwise kernels (kernels-pointwise.ts) are split the same way, by ranges of elements.
 *
 * Threads need shared memory and a thread allowed to block (Atomics.wait): Node, or a Web Worker
 * in a cross-origin isolated page (COOP/COEP headers, cli/isolation-plugin.ts). Elsewhere the engine runs
 * on one thread and `threadNote` says why.
 */

const PAGE = 65536;
/** 4 GiB, wasm32's whole address space: the memory reserves it but commits only what it grows to. */
const MAXIMUM_PAGES = 65536;
/**
 * Products smaller than this (multiply-adds) run on the calling thread: waking workers costs more.
 * Generation's products of 8 rows (at most 8 x 512 x 128 for small) fall below it: one thread gave
 * about 18% more tokens/s than two at the former 1 << 18, in an A/B of six runs each.
 */
export const PARALLEL_WORK = 1 << 20;
/** Elementwise jobs shorter than this (elements) run on the calling thread. */
const PARALLEL_ELEMENTS = 1 << 14;
/** Chunks per thread: small enough that a thread the OS delays leaves its share to the others. */
const CHUNKS_PER_THREAD = 4;
type KernelFunction = (...args: number[]) => void;

export interface CpuRuntimeOptions {
  /** Threads to use, the calling one included. Default: every core (navigator.hardwareConcurrency). */
  readonly threads?: number;
}

export class CpuRuntime {
  private top = 0;
  private limit = 0;
  private job = 0;

  private constructor(
    readonly memory: WebAssembly.Memory,
    readonly simd: SimdKind,
    /** By number, as KERNEL_NAMES lists them. */
    private readonly kernels: readonly KernelFunction[],
    private readonly control: Int32Array,
    private readonly workers: readonly PoolWorker[],
    /** Why the engine runs on one thread where there are more cores; null when it uses them. */
    readonly threadNote: string | null,
  ) {}

  static async create(options: CpuRuntimeOptions = {}): Promise<CpuRuntime> {
    const simd = detectSimd();
    const cores = await coreCount();
    const wanted = Math.max(1, Math.floor(options.threads ?? cores));
    const shared = typeof SharedArrayBuffer !== 'undefined';
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared });
    const module = new WebAssembly.Module(kernelModuleBytes(simd, { shared, maximumPages: MAXIMUM_PAGES }));
    const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
    let threadNote: string | null = null;
    if (wanted > 1 && !shared) {
      threadNote =
        'SharedArrayBuffer is unavailable (the page is not cross-origin isolated: serve it with COOP/COEP headers)';
    } else if (wanted > 1 && !canBlock()) {
      threadNote =
        'this thread may not block on Atomics (the main thread of a page): run the engine in a worker';
    } else if (wanted === 1 && cores > 1) {
      threadNote = 'one thread was asked for';
    }
    const threads = threadNote === null || options.threads === 1 ? wanted : 1;
    const control = new Int32Array(
      shared ? new SharedArrayBuffer(CONTROL_INTS * 4) : new ArrayBuffer(CONTROL_INTS * 4),
    );
    const workers: PoolWorker[] = [];
    for (let slot = 1; slot < threads; slot++) {
      const worker = await spawnWorker();
      worker.postMessage({ module, memory, control: control.buffer });
      workers.push(worker);
    }
    const table = KERNEL_NAMES.map((name) => kernels[name] as KernelFunction);
    return new CpuRuntime(memory, simd, table, control, workers, threadNote);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Frees every allocation from `mark` on (a mark from `top`), then makes room for `floats` more. */
  reset(mark: number, floats: number): void {
    this.top = mark;
    this.limit = mark + 4 * floats;
    const needed = Math.ceil(this.limit / PAGE);
    const pages = this.memory.buffer.byteLength / PAGE;
    if (needed > pages) {
      if (needed > MAXIMUM_PAGES) {
        throw new Error(
          `The CPU engine needs ${(this.limit / 2 ** 30).toFixed(1)} GiB, past WebAssembly's 4 GiB: use smaller batches.`,
        );
      }
      this.memory.grow(needed - pages);
    }
  }

  /** The allocation mark: allocations after it are freed by reset(mark, ...). */
  get mark(): number {
    return this.top;
  }

  /**
   * A float32 array in the memory, 16-byte aligned (inside the room `reset` made): zeroed, or with
   * whatever an earlier call left there when `zero` is false (for outputs written whole).
   */
  alloc(floats: number, zero = true): Float32Array {
    const start = this.top;
    const end = start + Math.ceil(floats / 4) * 16;
    if (end > this.limit) {
      throw new Error(
        `CPU engine bug: the arena's estimate was ${this.limit - start} bytes short of ${end - start}.`,
      );
    }
    this.top = end;
    const view = new Float32Array(this.memory.buffer, start, floats);
    if (zero) this.zero(view);
    return view;
  }

  /** Zeroes a float32 array of this memory (memory.fill: a typed array's fill is slower on shared memory). */
  zero(view: Float32Array, floats = view.length): void {
    this.kernels[ZERO]!(view.byteOffset, 0, 0, 0, 0, 0, 0, 0, 0, floats);
  }

  /**
   * C += A B on float32 arrays of this memory (kernels.ts has the strides' meaning; here they
   * count floats). The rows are split between the threads, balanced by area under a causal mask.
   */
  matmul(
    a: Float32Array,
    aOffset: number,
    b: Float32Array,
    bOffset: number,
    c: Float32Array,
    cOffset: number,
    M: number,
    N: number,
    K: number,
    sam: number,
    sak: number,
    sbk: number,
    scm: number,
    causal = 0,
  ): void {
    const aPtr = a.byteOffset + 4 * aOffset;
    const bPtr = b.byteOffset + 4 * bOffset;
    const cPtr = c.byteOffset + 4 * cOffset;
    const parts = M * N * K < PARALLEL_WORK ? 1 : this.threads;
    if (parts === 1 || (M < 8 * parts && N < 16 * parts)) {
      this.kernels[0]!(aPtr, bPtr, cPtr, M, N, K, 4 * sam, 4 * sak, 4 * sbk, 4 * scm, causal, 0);
      return;
    }
    const byRows = M >= 8 * parts;
    const [size, unit] = byRows ? [M, 4] : [N, 8];
    const chunkSize = Math.max(unit, Math.ceil(size / (CHUNKS_PER_THREAD * parts) / unit) * unit);
    this.control[BY_ROWS] = byRows ? 1 : 0;
    const args = [aPtr, bPtr, cPtr, M, N, K, 4 * sam, 4 * sak, 4 * sbk, 4 * scm, causal, 0];
    this.runJob(0, args, Math.ceil(size / chunkSize), chunkSize);
  }

  /**
   * `count` products of the same shape at once (matmul's arguments for group 0), split between
   * the threads by whole products: group g = o inner + i has its A, B and C at o outer + i inner
   * floats past group 0's, by `strides` ({a, b, c}: [outer, inner]). For attention's products,
   * one per batch row (outer) and head (inner): one job instead of one per head.
   */
  matmulBatch(
    groups: {
      readonly count: number;
      readonly inner: number;
      readonly strides: Readonly<Record<'a' | 'b' | 'c', readonly [number, number]>>;
    },
    a: Float32Array,
    aOffset: number,
    b: Float32Array,
    bOffset: number,
    c: Float32Array,
    cOffset: number,
    M: number,
    N: number,
    K: number,
    sam: number,
    sak: number,
    sbk: number,
    scm: number,
    causal = 0,
  ): void {
    const { count, inner, strides } = groups;
    const args = [a.byteOffset + 4 * aOffset, b.byteOffset + 4 * bOffset, c.byteOffset + 4 * cOffset];
    args.push(M, N, K, 4 * sam, 4 * sak, 4 * sbk, 4 * scm, causal, 0, count, inner);
    for (const [outer, within] of [strides.a, strides.b, strides.c]) args.push(4 * outer, 4 * within);
    const chunkSize = Math.ceil(count / (CHUNKS_PER_THREAD * this.threads));
    if (count * M * N * K < PARALLEL_WORK || this.threads === 1) {
      for (let g = 0; g < count; g++) {
        const [o, i] = [Math.floor(g / inner), g % inner];
        const [ga, gb, gc] = (['a', 'b', 'c'] as const).map(
          (operand, k) => args[k]! + 4 * (o * strides[operand][0] + i * strides[operand][1]),
        );
        this.kernels[0]!(ga!, gb!, gc!, ...args.slice(3, 12));
      }
      return;
    }
    this.control[BY_ROWS] = 2;
    this.runJob(0, args, Math.ceil(count / chunkSize), chunkSize);
  }

  /**
   * An elementwise or row kernel (kernels-pointwise.ts, kernels-loss.ts) on items [0, count) (elements, or rows for a
   * row kernel) with the given arguments (byte addresses, sizes). Items go to threads in chunks
   * of a multiple of `unit`, and count must be one; `cost` is an item's work in elements, which
   * decides whether threads are worth waking.
   */
  pointwise(kernel: RowKernel, args: readonly number[], count: number, unit = 4, cost = 1): void {
    if (count % unit !== 0) {
      throw new Error(`CPU engine bug: ${kernel} got ${count} items, not a multiple of ${unit}.`);
    }
    const number = KERNEL_NAMES.indexOf(kernel);
    const padded = Array.from({ length: 9 }, (_, i) => (i < 8 ? (args[i] ?? 0) : count));
    if (count * cost < PARALLEL_ELEMENTS || this.threads === 1) {
      this.kernels[number]!(...padded.slice(0, 8), 0, count);
      return;
    }
    const chunkSize = Math.ceil(count / (CHUNKS_PER_THREAD * this.threads) / unit) * unit;
    this.runJob(number, padded, Math.ceil(count / chunkSize), chunkSize);
  }

  /** Posts a job of `chunks` chunks to the workers, runs chunks here too, and waits for all. */
  private runJob(kernel: number, args: readonly number[], chunks: number, chunkSize: number): void {
    const ctl = this.control;
    // Job numbers stay in 15 bits, so that job << 16 is a positive int32 in the claim word.
    const job = (this.job = (this.job % 32767) + 1);
    ctl.set(args, ARGS);
    ctl[KERNEL] = kernel;
    ctl[CHUNKS] = chunks;
    ctl[SIZE] = chunkSize;
    ctl[FAILED] = 0;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, CLAIM, job << 16);
    Atomics.store(ctl, JOB, job);
    Atomics.notify(ctl, JOB);
    runChunks(ctl, job, this.kernels);
    for (let done = Atomics.load(ctl, DONE); done < ctl[CHUNKS]!; done = Atomics.load(ctl, DONE)) {
      Atomics.wait(ctl, DONE, done);
    }
    if (ctl[FAILED] !== 0) {
      throw new Error(`CPU engine bug: a thread trapped in the ${KERNEL_NAMES[kernel]} kernel.`);
    }
  }

  dispose(): void {
    Atomics.store(this.control, JOB, -1);
    Atomics.notify(this.control, JOB);
    for (const worker of this.workers) void worker.terminate();
  }
}

/** The bits of a float32, for a kernel's i32 argument (the kernel reinterprets them). */
export function floatBits(x: number): number {
  return new Int32Array(Float32Array.of(x).buffer)[0]!;
}
