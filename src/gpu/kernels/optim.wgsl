// The optimizer side of a training step: the global gradient norm, clipping by it, and AdamW.
// grads, params, m, v [count]; status [2] = (norm before clipping, scale applied).
// The norm is a two-stage sum of squares in a fixed order (workgroups of 256 threads each sum
// 4096 floats into partials; one workgroup sums the partials), so it does not depend on scheduling.

struct Shape {
  count: u32,
  // Partial sums of the first stage.
  partials: u32,
  // AdamW: the range [start, end) it updates.
  start: u32,
  end: u32,
  maxNorm: f32,
  learningRate: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  weightDecay: f32,
  // 1 - beta1^t and 1 - beta2^t, computed in float64 on the CPU.
  correction1: f32,
  correction2: f32,
}

@group(0) @binding(0) var<uniform> shape: Shape;

const PER_THREAD = 16u;
const PER_GROUP = 4096u; // 256 threads x PER_THREAD
var<workgroup> scratch: array<f32, 256>;

fn workgroupSum(value: f32, thread: u32) -> f32 {
  scratch[thread] = value;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride /= 2u) {
    if (thread < stride) { scratch[thread] += scratch[thread + stride]; }
    workgroupBarrier();
  }
  return scratch[0];
}

// Not NaN and not infinite, by the bits: WGSL compilers may assume floats are finite and fold x != x.
fn isFinite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;

@compute @workgroup_size(256)
fn sumSquares(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let index = group.y * groups.x + group.x;
  if (index >= shape.partials) { return; }
  let first = index * PER_GROUP + thread;
  var sum = 0.0;
  for (var i = 0u; i < PER_THREAD; i++) {
    let e = first + i * 256u;
    if (e < shape.count) {
      let g = grads[e];
      sum += g * g;
    }
  }
  let total = workgroupSum(sum, thread);
  if (thread == 0u) { partials[index] = total; }
}

@group(0) @binding(1) var<storage, read_write> status: array<f32>;
@group(0) @binding(2) var<storage, read> partialsDone: array<f32>;

// status = (norm, scale): scale = maxNorm / norm when the norm exceeds maxNorm, else 1; a norm
// that is not finite scales nothing (the step is skipped).
@compute @workgroup_size(256)
fn gradientNormFinish(@builtin(local_invocation_index) thread: u32) {
  var sum = 0.0;
  for (var i = thread; i < shape.partials; i += 256u) { sum += partialsDone[i]; }
  let total = workgroupSum(sum, thread);
  if (thread == 0u) {
    let norm = sqrt(total);
    var scale = 1.0;
    if (isFinite(norm) && norm > shape.maxNorm) { scale = shape.maxNorm / norm; }
    status[0] = norm;
    status[1] = scale;
  }
}

@group(0) @binding(1) var<storage, read_write> gradsScaled: array<f32>;
@group(0) @binding(2) var<storage, read> clipStatus: array<f32>;

// grads *= status[1]
@compute @workgroup_size(256)
fn clipGradients(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = (group.y * groups.x + group.x) * 256u + thread;
  let scale = clipStatus[1];
  if (i >= shape.count || scale == 1.0) { return; }
  gradsScaled[i] *= scale;
}

// AdamW bindings: params, grads, m, v, then the decay mask and the norm status.
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> gradsIn: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
// One bit per 64 floats (a layout tensor starts on a multiple of 64): 1 where weight decay applies.
@group(0) @binding(5) var<storage, read> decayMask: array<u32>;
@group(0) @binding(6) var<storage, read> normStatus: array<f32>;

override USE_DECAY_MASK: bool = false;

// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
// p -= lr (m / c1 / (sqrt(v / c2) + eps) + wd p);  nothing at all when the gradient norm is not finite.
@compute @workgroup_size(256)
fn adamw(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = shape.start + (group.y * groups.x + group.x) * 256u + thread;
  if (i >= shape.end || !isFinite(normStatus[0])) { return; }
  var weightDecay = shape.weightDecay;
  if (USE_DECAY_MASK && ((decayMask[i / 2048u] >> ((i / 64u) % 32u)) & 1u) == 0u) { weightDecay = 0.0; }
  let g = gradsIn[i];
  let mi = shape.beta1 * m[i] + (1.0 - shape.beta1) * g;
  let vi = shape.beta2 * v[i] + (1.0 - shape.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let update = mi / shape.correction1 / (sqrt(vi / shape.correction2) + shape.epsilon);
  params[i] -= shape.learningRate * (update + weightDecay * params[i]);
}
