// Residual add: out = inp1 + inp2; its backward adds dout to both inputs' gradients.
// inp1, inp2, out [N]; one thread per element, 256 per workgroup, on a 2-D grid.

struct Shape {
  N: u32,
}

@group(0) @binding(0) var<uniform> shape: Shape;

fn elementOf(group: vec3u, groups: vec3u, thread: u32) -> u32 {
  return (group.y * groups.x + group.x) * 256u + thread;
}

@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> inp1: array<f32>;
@group(0) @binding(3) var<storage, read> inp2: array<f32>;

@compute @workgroup_size(256)
fn residualForward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = elementOf(group, groups, thread);
  if (i >= shape.N) { return; }
  out[i] = inp1[i] + inp2[i];
}

// Backward bindings: dinp1, dinp2, dout (the reference's order).
@group(0) @binding(1) var<storage, read_write> dinp1: array<f32>;
@group(0) @binding(2) var<storage, read_write> dinp2: array<f32>;
@group(0) @binding(3) var<storage, read> dout: array<f32>;

@compute @workgroup_size(256)
fn residualBackward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = elementOf(group, groups, thread);
  if (i >= shape.N) { return; }
  let d = dout[i];
  dinp1[i] += d;
  dinp2[i] += d;
}
