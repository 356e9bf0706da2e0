import { BufferPool, type GpuTensor } from './buffers.ts';

/**
 * What every op needs besides its tensors: the device, compiled pipelines (cached by source, entry
 * point and override constants), small uniform buffers of shapes and scalars (cached by content),
 * the buffer pool, and a dispatch helper. Ops record into a caller's GPUCommandEncoder and never
 * submit, so a whole training step can be one submission.
 *
 * Conventions of the kernels: binding 0 is the uniform struct, whose fields are its u32 values
 * first, then its f32 values; the storage bindings follow in the order of the op's arguments.
 */

/** Scalars of one dispatch: the u32 fields of the kernel's uniform struct, then its f32 fields. */
export interface UniformValues {
  readonly u32?: readonly number[];
  readonly f32?: readonly number[];
}

/** Most workgroups in one dimension of a dispatch (the spec's default limit). */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/** Uniform buffers kept for reuse; shapes repeat every step, scalars like the learning rate do not. */
const UNIFORM_CACHE_SIZE = 4096;

export class GpuContext {
  readonly pool: BufferPool;
  /** Bound where a kernel declares an optional tensor the op does not have (e.g. no bias). */
  readonly placeholder: GPUBuffer;
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly uniforms = new Map<string, GPUBuffer>();

  constructor(readonly device: GPUDevice) {
    this.pool = new BufferPool(device);
    this.placeholder = device.createBuffer({
      label: 'placeholder',
      size: 256,
      usage: GPUBufferUsage.STORAGE,
    });
  }

  /** The compute pipeline of `entryPoint` in `code` with these override constants, compiled once. */
  pipeline(
    code: string,
    entryPoint: string,
    constants: Record<string, number | boolean> = {},
  ): GPUComputePipeline {
    const constantKey = Object.entries(constants)
      .map(([name, value]) => `${name}=${Number(value)}`)
      .join(',');
    let module = this.modules.get(code);
    if (module === undefined) {
      module = this.device.createShaderModule({ label: entryPoint, code });
      this.modules.set(code, module);
    }
    const key = `${entryPoint}|${constantKey}|${code}`;
    let pipeline = this.pipelines.get(key);
    if (pipeline === undefined) {
      const numeric = Object.fromEntries(Object.entries(constants).map(([k, v]) => [k, Number(v)]));
      pipeline = this.device.createComputePipeline({
        label: `${entryPoint}(${constantKey})`,
        layout: 'auto',
        compute: { module, entryPoint, constants: numeric },
      });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** A uniform buffer holding `values` (see UniformValues), shared by every dispatch with the same values. */
  uniform(values: UniformValues): GPUBuffer {
    const u32 = values.u32 ?? [];
    const f32 = values.f32 ?? [];
    const key = `${u32.join(',')};${f32.join(',')}`;
    const cached = this.uniforms.get(key);
    if (cached !== undefined) {
      // Move to the back: the map's order is the order of last use.
      this.uniforms.delete(key);
      this.uniforms.set(key, cached);
      return cached;
    }
    const words = u32.length + f32.length;
    const buffer = this.device.createBuffer({
      label: `uniform ${key}`,
      size: Math.max(16, Math.ceil(words / 4) * 16),
      usage: GPUBufferUsage.UNIFORM,
      mappedAtCreation: true,
    });
    const range = buffer.getMappedRange();
    for (const [i, value] of u32.entries()) {
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new Error(`A u32 kernel argument must be an integer in 0..2^32-1 (got ${value}).`);
      }
      new Uint32Array(range, i * 4, 1)[0] = value;
    }
    new Float32Array(range, u32.length * 4, f32.length).set(f32);
    buffer.unmap();
    this.uniforms.set(key, buffer);
    if (this.uniforms.size > UNIFORM_CACHE_SIZE) {
      // Dropped, not destroyed: a recorded but unsubmitted command may still use it.
      const oldest = this.uniforms.keys().next().value as string;
      this.uniforms.delete(oldest);
    }
    return buffer;
  }

  /**
   * Records one dispatch in its own compute pass. `bindings[i]` goes to @binding(i) of group 0;
   * null skips a binding number the entry point does not use.
   */
  dispatch(
    encoder: GPUCommandEncoder,
    pipeline: GPUComputePipeline,
    bindings: readonly (GpuTensor | null)[],
    workgroups: readonly [number, number?, number?],
  ): void {
    const [x, y = 1, z = 1] = workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const entries: GPUBindGroupEntry[] = [];
    for (const [binding, resource] of bindings.entries()) {
      if (resource !== null) entries.push({ binding, resource });
    }
    const bindGroup = this.device.createBindGroup({
      label: pipeline.label,
      layout: pipeline.getBindGroupLayout(0),
      entries,
    });
    const pass = encoder.beginComputePass({ label: pipeline.label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
  }

  /** Frees the pool, the uniforms and the placeholder (the device stays). */
  destroy(): void {
    this.pool.destroy();
    for (const buffer of this.uniforms.values()) buffer.destroy();
    this.uniforms.clear();
    this.placeholder.destroy();
  }
}

/**
 * Workgroups for `count` independent items, `perGroup` per workgroup, as a 2-D grid when one
 * dimension is not enough. Kernels recover the item as
 * (workgroup_id.y * num_workgroups.x + workgroup_id.x) * perGroup + local_invocation_index.
 */
export function grid(count: number, perGroup: number): [number, number] {
  const groups = Math.ceil(count / perGroup);
  if (groups <= MAX_WORKGROUPS_PER_DIMENSION) return [groups, 1];
  const y = Math.ceil(groups / MAX_WORKGROUPS_PER_DIMENSION);
  return [Math.ceil(groups / y), y];
}
