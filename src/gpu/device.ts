/**
 * The GPU device the engine runs on: the adapter, a device with the limits the kernels need asked
 * for explicitly (a device otherwise gets the spec's defaults, whatever the hardware allows), and
 * the device's loss and uncaught errors reported as plain errors.
 */

/** Limits the lab asks for: as much of each as the adapter allows, up to what the lab can use. */
export const LAB_LIMITS = {
  /** The largest tensor bound to one kernel: activations of `large` at 16 x 2048 tokens, logits. */
  maxStorageBufferBindingSize: 1024 * 1024 * 1024,
  maxBufferSize: 1024 * 1024 * 1024,
  /** Matmul and attention tiles. */
  maxComputeWorkgroupStorageSize: 32 * 1024,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxStorageBuffersPerShaderStage: 10,
  maxComputeWorkgroupsPerDimension: 65535,
} as const satisfies Partial<Record<keyof GPUSupportedLimits, number>>;

/** Below these the kernels do not fit (they are the spec's defaults, so every WebGPU device has them). */
export const REQUIRED_LIMITS = {
  maxComputeWorkgroupStorageSize: 16 * 1024,
  maxComputeInvocationsPerWorkgroup: 256,
  maxStorageBuffersPerShaderStage: 8,
} as const satisfies Partial<Record<keyof GPUSupportedLimits, number>>;

export interface GpuDeviceOptions {
  /** navigator.gpu by default; Dawn's `gpu` object in Node. */
  readonly gpu?: GPU;
  readonly powerPreference?: GPUPowerPreference;
  /**
   * Called once if the device is lost (driver reset, GPU removed, tab in the background too long)
   * or with any GPU error no error scope caught. Not called when the caller destroys the device.
   */
  readonly onError?: (error: Error) => void;
}

export interface GpuDevice {
  readonly device: GPUDevice;
  /** Vendor, architecture and description, for benchmark reports. */
  readonly adapterInfo: GPUAdapterInfo;
  /** True for software adapters (SwiftShader): tests run there, speeds do not mean much. */
  readonly isFallbackAdapter: boolean;
}

/** Throws "WebGPU is not available in this browser: ..." with what to do when it is not. */
export async function requestGpuDevice(options: GpuDeviceOptions = {}): Promise<GpuDevice> {
  const gpu = options.gpu ?? (typeof navigator === 'undefined' ? undefined : navigator.gpu);
  if (gpu === undefined) {
    throw new Error(
      'WebGPU is not available in this browser: navigator.gpu is missing. Use a recent Chrome or Edge ' +
        '(or Chromium with --enable-unsafe-webgpu), serve the page from localhost or https, ' +
        'or train on the CPU reference.',
    );
  }
  const adapter = await gpu.requestAdapter({
    powerPreference: options.powerPreference ?? 'high-performance',
  });
  if (adapter === null) {
    throw new Error(
      'WebGPU is not available in this browser: no GPU adapter was found (the GPU may be blocklisted ' +
        'or disabled). Check chrome://gpu, enable hardware acceleration, or train on the CPU reference.',
    );
  }
  const short: string[] = [];
  for (const [name, minimum] of Object.entries(REQUIRED_LIMITS)) {
    const has = adapter.limits[name as keyof typeof REQUIRED_LIMITS];
    if (has < minimum) short.push(`${name} is ${has}, the engine needs ${minimum}`);
  }
  if (short.length > 0) {
    throw new Error(`This GPU's WebGPU limits are too small for the engine: ${short.join('; ')}.`);
  }
  const requiredLimits: Record<string, number> = {};
  for (const [name, wanted] of Object.entries(LAB_LIMITS)) {
    requiredLimits[name] = Math.min(wanted, adapter.limits[name as keyof typeof LAB_LIMITS]);
  }
  // Subgroups and timestamps only where present: no kernel depends on them yet.
  const requiredFeatures = (['timestamp-query'] as const).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    label: 'web-agent-lab engine',
    requiredLimits,
    requiredFeatures,
  });
  const onError = options.onError;
  if (onError !== undefined) {
    void device.lost.then((info) => {
      if (info.reason === 'destroyed') return;
      onError(
        new Error(
          `The GPU device was lost (${info.message || 'no reason given'}). ` +
            'Rebuild the engine from the last checkpoint; if this repeats, close other GPU-heavy tabs ' +
            'or restart the browser.',
        ),
      );
    });
    device.addEventListener('uncapturederror', (event) => {
      onError(new Error(`GPU error: ${event.error.message}`));
    });
  }
  return { device, adapterInfo: adapter.info, isFallbackAdapter: adapter.info.isFallbackAdapter };
}
