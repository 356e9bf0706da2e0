import { ROW_KERNELS } from './kernels.ts';

/**
 * The CPU engine's threads: the control block they share, the loop that every thread (the caller
 * and each worker) runs to claim and run a job's chunks, and the workers themselves, each a few
 * lines of source that instantiate the kernel module on the shared memory and wait on the control
 * block. runtime.ts posts the jobs.
 */

/** The kernels a job may name, by number: 0 the matrix product, then the elementwise ones. */
export const KERNEL_NAMES = ['matmul', ...Object.keys(ROW_KERNELS)];
export const ZERO = KERNEL_NAMES.indexOf('zero');

// The control block (Int32Array): the job counter workers wait on, the claim word (job << 16 |
// next chunk), chunks finished, chunk count, chunk size, rows-or-columns, a failure flag, the
// kernel's number, then its arguments: the product's 12 (strides in bytes), or an elementwise
// kernel's 8 addresses and its element count.
export const JOB = 0;
export const CLAIM = 1;
export const DONE = 2;
export const CHUNKS = 3;
export const SIZE = 4;
export const BY_ROWS = 5;
export const FAILED = 6;
export const KERNEL = 7;
export const ARGS = 8;
/** After a product's 12 arguments, a batch's: groups, groups per outer step, byte strides. */
const GROUP_ARGS = ARGS + 12;
export const CONTROL_INTS = GROUP_ARGS + 8;

/**
 * Claims chunks of the current job until none is left and runs them; the caller and every woken
 * worker run this same function (the worker gets its source), so a thread the OS has not
 * scheduled yet simply finds nothing left. A claim carries the job's number, so a worker waking
 * late cannot take a chunk of the next job. Self-contained: it travels as source text.
 */
export function runChunks(
  ctl: Int32Array,
  job: number,
  kernels: readonly ((...args: number[]) => void)[],
): void {
  for (;;) {
    const claim = Atomics.load(ctl, 1);
    if (claim >>> 16 !== job || (claim & 0xffff) >= ctl[3]!) return;
    if (Atomics.compareExchange(ctl, 1, claim, claim + 1) !== claim) continue;
    const from = (claim & 0xffff) * ctl[4]!;
    const kernel = kernels[ctl[7]!]!;
    if (ctl[7] !== 0) {
      try {
        kernel(...ctl.subarray(8, 16), from, Math.min(ctl[16]!, from + ctl[4]!));
      } catch {
        Atomics.store(ctl, 6, 1);
      }
      if (Atomics.add(ctl, 2, 1) + 1 === ctl[3]) Atomics.notify(ctl, 2);
      continue;
    }
    const matmul = kernel;
    const rows = ctl[5] === 1;
    const [a, b, c, M, N, K, sam, sak, sbk, scm, causal, diag] = ctl.subarray(8, 20);
    try {
      if (ctl[5] === 2) {
        // A batch of products: group g = outer * inner count + inner, operands at strides of each.
        const [, inner, aOuter, aInner, bOuter, bInner, cOuter, cInner] = ctl.subarray(20, 28);
        for (let g = from; g < Math.min(ctl[20]!, from + ctl[4]!); g++) {
          const o = Math.floor(g / inner!);
          const i = g - o * inner!;
          const [ga, gb, gc] = [
            a! + o * aOuter! + i * aInner!,
            b! + o * bOuter! + i * bInner!,
            c! + o * cOuter! + i * cInner!,
          ];
          matmul(ga, gb, gc, M!, N!, K!, sam!, sak!, sbk!, scm!, causal!, diag!);
        }
      } else if (rows) {
        const to = Math.min(M!, from + ctl[4]!);
        matmul(
          a! + from * sam!,
          b!,
          c! + from * scm!,
          to - from,
          N!,
          K!,
          sam!,
          sak!,
          sbk!,
          scm!,
          causal!,
          diag! + from,
        );
      } else {
        const to = Math.min(N!, from + ctl[4]!);
        matmul(a!, b! + 4 * from, c! + 4 * from, M!, to - from, K!, sam!, sak!, sbk!, scm!, causal!, diag!);
      }
    } catch {
      Atomics.store(ctl, 6, 1);
    }
    if (Atomics.add(ctl, 2, 1) + 1 === ctl[3]) Atomics.notify(ctl, 2);
  }
}

/** The worker's whole program: instantiate the module on the shared memory, then run jobs' chunks. */
const WORKER_SOURCE = `
const runChunks = ${runChunks.toString()};
const start = ({ module, memory, control }) => {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const kernels = ${JSON.stringify(KERNEL_NAMES)}.map((name) => exports[name]);
  const ctl = new Int32Array(control);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, ${JOB}, seen);
    seen = Atomics.load(ctl, ${JOB});
    if (seen < 0) return;
    runChunks(ctl, seen, kernels);
  }
};
if (typeof self !== 'undefined' && typeof self.postMessage === 'function' && typeof require === 'undefined') {
  self.onmessage = (event) => start(event.data);
} else {
  require('node:worker_threads').parentPort.once('message', start);
}
`;

export interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

export async function coreCount(): Promise<number> {
  const navigatorCores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  if (navigatorCores !== undefined && navigatorCores > 0) return navigatorCores;
  if (isNode()) return (await import('node:os')).availableParallelism();
  return 1;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && process.versions?.node !== undefined;
}

/** Atomics.wait throws on a page's main thread; workers and Node may block. */
export function canBlock(): boolean {
  return isNode() || typeof (globalThis as { document?: unknown }).document === 'undefined';
}

export async function spawnWorker(): Promise<PoolWorker> {
  if (isNode()) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    return worker;
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return new Worker(url);
}
