// Softmax cross-entropy with per-token weights, and per-token log-probabilities.
// logits, probs, dlogits [N, V]; targets [N] int32; weights, losses, logProbs [N]; loss [1].
// loss = sum_n w_n * (-log p_n(y_n)) / normaliser; tokens of weight 0 add nothing.
// The row kernels: one workgroup of 64 threads per row (max, then sum of exponentials, tree-added
// in a fixed order); the scalar loss: one workgroup adding w_n losses_n in a fixed order.

struct Shape {
  N: u32,
  V: u32,
  normaliser: f32,
  // Gradient of the objective with respect to the loss (1 for the loss itself).
  dloss: f32,
}

@group(0) @binding(0) var<uniform> shape: Shape;

const THREADS = 64u;
var<workgroup> scratch: array<f32, 256>;

fn rowOf(group: vec3u, groups: vec3u) -> u32 {
  return group.y * groups.x + group.x;
}

// Tree reduction over the first `count` threads (a power of two) with max or sum; all get the result.
fn workgroupReduce(value: f32, thread: u32, count: u32, takeMax: bool) -> f32 {
  scratch[thread] = value;
  workgroupBarrier();
  for (var stride = count / 2u; stride > 0u; stride /= 2u) {
    if (thread < stride) {
      let other = scratch[thread + stride];
      if (takeMax) { scratch[thread] = max(scratch[thread], other); } else { scratch[thread] += other; }
    }
    workgroupBarrier();
  }
  let result = scratch[0];
  workgroupBarrier();
  return result;
}

// log sum_v exp(logits[row + v]), stable: the row's maximum comes out first.
fn logSumExp(row: u32, thread: u32) -> f32 {
  var localMax = -3.4e38;
  for (var v = thread; v < shape.V; v += THREADS) { localMax = max(localMax, logits[row + v]); }
  let rowMax = workgroupReduce(localMax, thread, THREADS, true);
  var sum = 0.0;
  for (var v = thread; v < shape.V; v += THREADS) { sum += exp(logits[row + v] - rowMax); }
  return rowMax + log(workgroupReduce(sum, thread, THREADS, false));
}

@group(0) @binding(1) var<storage, read_write> probs: array<f32>;
@group(0) @binding(2) var<storage, read_write> losses: array<f32>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<i32>;
@group(0) @binding(5) var<storage, read> weights: array<f32>;

// probs[n] = softmax(logits[n]); losses[n] = logsumexp - logits[n, y] (0 where the weight is 0)
@compute @workgroup_size(64)
fn crossEntropyForward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let n = rowOf(group, groups);
  if (n >= shape.N) { return; }
  let row = n * shape.V;
  let lse = logSumExp(row, thread);
  for (var v = thread; v < shape.V; v += THREADS) { probs[row + v] = exp(logits[row + v] - lse); }
  if (thread == 0u) {
    var value = 0.0;
    if (weights[n] != 0.0) { value = lse - logits[row + u32(targets[n])]; }
    losses[n] = value;
  }
}

@group(0) @binding(1) var<storage, read_write> loss: array<f32>;
@group(0) @binding(2) var<storage, read> rowLosses: array<f32>;

// loss[0] = sum_n w_n losses_n / normaliser, one workgroup of 256 threads.
@compute @workgroup_size(256)
fn crossEntropyLoss(@builtin(local_invocation_index) thread: u32) {
  var sum = 0.0;
  for (var n = thread; n < shape.N; n += 256u) { sum += weights[n] * rowLosses[n]; }
  let total = workgroupReduce(sum, thread, 256u, false);
  if (thread == 0u) { loss[0] = total / shape.normaliser; }
}

// Backward bindings: dlogits, probs, targets, weights (the reference's order).
@group(0) @binding(1) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(2) var<storage, read> probsSaved: array<f32>;
@group(0) @binding(3) var<storage, read> targetsSaved: array<i32>;
@group(0) @binding(4) var<storage, read> weightsSaved: array<f32>;

// dlogits [N, V] += dloss * w_n / normaliser * (probs_n - onehot(y_n)), one thread per logit.
@compute @workgroup_size(256)
fn crossEntropyBackward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = (group.y * groups.x + group.x) * 256u + thread;
  if (i >= shape.N * shape.V) { return; }
  let n = i / shape.V;
  let w = weightsSaved[n];
  if (w == 0.0) { return; }
  var p = probsSaved[i];
  if (i % shape.V == u32(targetsSaved[n])) { p -= 1.0; }
  dlogits[i] += shape.dloss * w / shape.normaliser * p;
}

@group(0) @binding(1) var<storage, read_write> logProbs: array<f32>;

// logProbs[n] = log softmax(logits[n])[y_n]; uses logits (3) and targets (4).
@compute @workgroup_size(64)
fn logProbsForward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let n = rowOf(group, groups);
  if (n >= shape.N) { return; }
  let row = n * shape.V;
  let lse = logSumExp(row, thread);
  if (thread == 0u) { logProbs[n] = logits[row + u32(targets[n])] - lse; }
}
