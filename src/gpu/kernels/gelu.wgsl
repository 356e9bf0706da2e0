// GELU, tanh approximation (GPT-2's): out = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
// inp, out, dinp, dout [N]; one thread per element, 256 per workgroup, on a 2-D grid.

struct Shape {
  N: u32,
}

const SCALE = 0.7978845608028654; // sqrt(2 / pi)
const CUBE = 0.044715;

@group(0) @binding(0) var<uniform> shape: Shape;

fn elementOf(group: vec3u, groups: vec3u, thread: u32) -> u32 {
  return (group.y * groups.x + group.x) * 256u + thread;
}

// tanh of the GELU argument. Clamped because some backends compute tanh from exponentials that
// overflow to inf / inf for large arguments; tanh(10) is 1 in float32 anyway.
fn geluTanh(x: f32) -> f32 {
  return tanh(clamp(SCALE * (x + CUBE * x * x * x), -10.0, 10.0));
}

@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;

@compute @workgroup_size(256)
fn geluForward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = elementOf(group, groups, thread);
  if (i >= shape.N) { return; }
  let x = inp[i];
  out[i] = 0.5 * x * (1.0 + geluTanh(x));
}

// Backward bindings: dinp, inp, dout (the reference's order).
@group(0) @binding(1) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(3) var<storage, read> dout: array<f32>;

@compute @workgroup_size(256)
fn geluBackward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = elementOf(group, groups, thread);
  if (i >= shape.N) { return; }
  let x = inp[i];
  let t = geluTanh(x);
  let local = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SCALE * (1.0 + 3.0 * CUBE * x * x);
  dinp[i] += local * dout[i];
}
