import { CpuEngine } from './cpu-engine.ts';
import type { Engine } from './engine.ts';
import { GpuEngine, type GpuEngineOptions } from './gpu-engine.ts';

/** 'auto' takes WebGPU where the browser has it and falls back to the CPU engine otherwise. */
export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

/**
 * The engine for a backend choice. With 'auto', a browser without WebGPU (or whose adapter cannot
 * run the kernels) gets the CPU engine, whose info().cpuReason says why, for the UI to show.
 */
export async function openEngine(backend: BackendChoice, options: GpuEngineOptions = {}): Promise<Engine> {
  if (backend === 'cpu') return new CpuEngine();
  try {
    return await GpuEngine.open(options);
  } catch (error) {
    if (backend === 'webgpu') throw error;
    return new CpuEngine(error instanceof Error ? error.message : String(error));
  }
}
