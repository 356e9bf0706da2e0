/** Whether the engine can use WebGPU here, and on which adapter; otherwise it runs on the CPU. */
export type GpuStatus =
  | { state: 'checking' }
  | { state: 'available'; adapter: string; fallbackAdapter: boolean }
  | { state: 'unavailable'; reason: string };

export async function probeWebGpu(nav: Navigator = navigator): Promise<GpuStatus> {
  if (!nav.gpu) {
    return { state: 'unavailable', reason: 'this browser has no navigator.gpu' };
  }
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return { state: 'unavailable', reason: 'the browser offered no GPU adapter' };
    const { vendor, architecture, description } = adapter.info;
    const name = description || [vendor, architecture].filter(Boolean).join(' ') || 'unnamed adapter';
    return { state: 'available', adapter: name, fallbackAdapter: adapter.info.isFallbackAdapter };
  } catch (error) {
    return { state: 'unavailable', reason: `requestAdapter failed: ${String(error)}` };
  }
}

/** One line for the header. */
export function describeGpu(status: GpuStatus): string {
  switch (status.state) {
    case 'checking':
      return 'Checking WebGPU…';
    case 'available':
      return status.fallbackAdapter
        ? `WebGPU on ${status.adapter} (a software adapter: correct but slow)`
        : `WebGPU on ${status.adapter}`;
    case 'unavailable':
      return `WebGPU unavailable (${status.reason}): the engine will fall back to the CPU.`;
  }
}
