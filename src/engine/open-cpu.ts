import { FastCpuEngine } from './cpu/engine.ts';
import { CpuEngine } from './cpu-engine.ts';
import type { Engine } from './engine.ts';

// Apart from open.ts so that Node commands reach them without importing the WebGPU engine (whose
// kernels load as ?raw text only once cli/node-engine.ts has registered its hook).

/** cpuReason where WebGPU runs on a software adapter. */
export function softwareAdapterReason(adapter: string): string {
  return `the WebGPU adapter (${adapter}) is a software fallback, slower than the CPU engine`;
}

/**
 * The fast CPU engine, or the float64 reference where the runtime lacks WebAssembly SIMD (the
 * reason then says so).
 */
export async function openCpuEngine(cpuReason: string | null): Promise<Engine> {
  try {
    return await FastCpuEngine.open(cpuReason);
  } catch (error) {
    const why = `the fast CPU engine did not start (${(error as Error).message})`;
    return new CpuEngine(cpuReason === null ? why : `${cpuReason}, and ${why}`);
  }
}
