import { register } from 'node:module';
import { CpuEngine } from '../engine/cpu-engine.ts';
import type { BackendChoice, Engine, EngineInfo } from '../engine/engine.ts';
import { openCpuEngine, softwareAdapterReason } from '../engine/open-cpu.ts';

/**
 * The engine for Node commands (run --dom node): the fast CPU engine, the float64 reference, or
 * WebGPU on Dawn (the `webgpu` package), or 'auto': Dawn on a hardware adapter, else the fast CPU
 * engine with the reason (Dawn did not start, or its adapter is software).
 */
export async function openNodeEngine(choice: BackendChoice): Promise<{ engine: Engine; info: EngineInfo }> {
  let engine: Engine;
  if (choice === 'reference') {
    engine = new CpuEngine();
  } else if (choice === 'cpu') {
    engine = await openCpuEngine(null);
  } else {
    try {
      const { create, globals } = await import('webgpu');
      // Dawn's GPU* classes (GPUBufferUsage, ...) are what the kernels name, as in a browser.
      Object.assign(globalThis, globals);
      registerRawTextHook();
      const { GpuEngine } = await import('../engine/gpu-engine.ts');
      engine = await GpuEngine.open({ gpu: create([]) });
    } catch (error) {
      if (choice === 'webgpu') {
        throw new Error(
          `WebGPU on Dawn did not start: ${(error as Error).message}. Check the GPU driver (VK_ICD_FILENAMES), or run with --engine cpu.`,
          { cause: error },
        );
      }
      engine = await openCpuEngine(`Dawn did not start (${(error as Error).message})`);
    }
    const info = await engine.info();
    if (choice === 'auto' && info.backend === 'webgpu' && info.fallbackAdapter) {
      await engine.dispose();
      engine = await openCpuEngine(softwareAdapterReason(info.adapter));
    }
  }
  return { engine, info: await engine.info() };
}

/**
 * The kernels are imported as Vite does it (`./x.wgsl?raw`: the file's text). Vite and the bundle of
 * scripts/pack-gpu-bench.sh handle that themselves; under tsx this Node module hook does, so the
 * GPU engine is imported only after it is registered.
 */
const RAW_TEXT_HOOK = `
import { readFile } from 'node:fs/promises';
export async function resolve(specifier, context, next) {
  if (!specifier.endsWith('?raw')) return next(specifier, context);
  return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
}
export async function load(url, context, next) {
  if (!url.endsWith('?raw')) return next(url, context);
  const file = new URL(url);
  file.search = '';
  const text = await readFile(file, 'utf8');
  return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
}`;

let rawTextHookRegistered = false;

function registerRawTextHook(): void {
  // Under Vite (vitest) `?raw` imports already work, and Node's hooks do not apply there.
  if (rawTextHookRegistered || (import.meta as { env?: unknown }).env !== undefined) return;
  register(`data:text/javascript,${encodeURIComponent(RAW_TEXT_HOOK)}`);
  rawTextHookRegistered = true;
}
