import { CpuEngine } from './cpu-engine.ts';
import type { BackendChoice, Engine } from './engine.ts';
import { GpuEngine, type GpuEngineOptions } from './gpu-engine.ts';
import { openCpuEngine, softwareAdapterReason } from './open-cpu.ts';

export { BACKEND_CHOICES, type BackendChoice } from './engine.ts';

/**
 * The engine for a backend choice. With 'auto', a browser without WebGPU (or whose adapter cannot
 * run the kernels) gets the fast CPU engine, and so does a software adapter (SwiftShader), which
 * trains far slower than the CPU engine on the same cores; info().cpuReason says why, for the UI.
 */
export async function openEngine(backend: BackendChoice, options: GpuEngineOptions = {}): Promise<Engine> {
  if (backend === 'reference') return new CpuEngine();
  if (backend === 'cpu') return openCpuEngine(null);
  let gpu: GpuEngine;
  try {
    gpu = await GpuEngine.open(options);
  } catch (error) {
    if (backend === 'webgpu') throw error;
    return openCpuEngine(error instanceof Error ? error.message : String(error));
  }
  if (backend === 'webgpu' || !(await gpu.info()).fallbackAdapter) return gpu;
  const { adapter } = await gpu.info();
  await gpu.dispose();
  return openCpuEngine(softwareAdapterReason(adapter));
}
