// The per-token loss of model/reference/loss.ts, and per-token log-probabilities.
// logits, probs, dlogits [N, V]; targets [N] int32; weights, oldLogProbs, losses, gradWeights,
// logProbs [N]; loss [1]. log p = log softmax(logits / temperature)[y];
// loss_n = -w_n log p_n, or with old log-probabilities (clipEpsilon > 0) PPO's clipped surrogate
// -min(rho w, clip(rho) w); loss = sum_n loss_n / normaliser; tokens of weight 0 add nothing.
// gradWeights[n] = g_n, the weight of the token's gradient (0 where the clip holds).
// The row kernels: one workgroup of 64 threads per row (max, then sum of exponentials, tree-added
// in a fixed order); the scalar loss: one workgroup adding w_n losses_n in a fixed order.

struct Shape {
  N: u32,
  V: u32,
  normaliser: f32,
  // Gradient of the objective with respect to the loss (1 for the loss itself).
  dloss: f32,
  invTemperature: f32,
  // 0: no importance ratio (oldLogProbs is not read).
  clipEpsilon: f32,
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

// log sum_v exp(logits[row + v] / temperature), stable: the row's maximum comes out first.
fn logSumExp(row: u32, thread: u32) -> f32 {
  let s = shape.invTemperature;
  var localMax = -3.4e38;
  for (var v = thread; v < shape.V; v += THREADS) { localMax = max(localMax, logits[row + v] * s); }
  let rowMax = workgroupReduce(localMax, thread, THREADS, true);
  var sum = 0.0;
  for (var v = thread; v < shape.V; v += THREADS) { sum += exp(logits[row + v] * s - rowMax); }
  return rowMax + log(workgroupReduce(sum, thread, THREADS, false));
}

@group(0) @binding(1) var<storage, read_write> probs: array<f32>;
@group(0) @binding(2) var<storage, read_write> losses: array<f32>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<i32>;
@group(0) @binding(5) var<storage, read> weights: array<f32>;
@group(0) @binding(6) var<storage, read> oldLogProbs: array<f32>;
@group(0) @binding(7) var<storage, read_write> gradWeights: array<f32>;

// probs[n] = softmax(logits[n] / temperature); losses[n] = loss_n; gradWeights[n] = g_n
@compute @workgroup_size(64)
fn tokenLossForward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let n = rowOf(group, groups);
  if (n >= shape.N) { return; }
  let row = n * shape.V;
  let s = shape.invTemperature;
  let lse = logSumExp(row, thread);
  for (var v = thread; v < shape.V; v += THREADS) { probs[row + v] = exp(logits[row + v] * s - lse); }
  if (thread == 0u) {
    let w = weights[n];
    var value = 0.0;
    var g = 0.0;
    if (w != 0.0) {
      let logProb = logits[row + u32(targets[n])] * s - lse;
      if (shape.clipEpsilon == 0.0) {
        value = -w * logProb;
        g = w;
      } else {
        let eps = shape.clipEpsilon;
        let ratio = exp(logProb - oldLogProbs[n]);
        let clippedRatio = clamp(ratio, 1.0 - eps, 1.0 + eps);
        value = -min(ratio * w, clippedRatio * w);
        let clipped = (w > 0.0 && ratio > 1.0 + eps) || (w < 0.0 && ratio < 1.0 - eps);
        g = select(ratio * w, 0.0, clipped);
      }
    }
    losses[n] = value;
    gradWeights[n] = g;
  }
}

@group(0) @binding(1) var<storage, read_write> loss: array<f32>;
@group(0) @binding(2) var<storage, read> rowLosses: array<f32>;

// loss[0] = sum_n losses_n / normaliser, one workgroup of 256 threads.
@compute @workgroup_size(256)
fn tokenLossTotal(@builtin(local_invocation_index) thread: u32) {
  var sum = 0.0;
  for (var n = thread; n < shape.N; n += 256u) { sum += rowLosses[n]; }
  let total = workgroupReduce(sum, thread, 256u, false);
  if (thread == 0u) { loss[0] = total / shape.normaliser; }
}

// Backward bindings: dlogits, probs, targets, gradWeights (the reference's order).
@group(0) @binding(1) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(2) var<storage, read> probsSaved: array<f32>;
@group(0) @binding(3) var<storage, read> targetsSaved: array<i32>;
@group(0) @binding(4) var<storage, read> gradWeightsSaved: array<f32>;

// dlogits [N, V] += dloss * g_n / (normaliser * temperature) * (probs_n - onehot(y_n)), one thread per logit.
@compute @workgroup_size(256)
fn tokenLossBackward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = (group.y * groups.x + group.x) * 256u + thread;
  if (i >= shape.N * shape.V) { return; }
  let n = i / shape.V;
  let g = gradWeightsSaved[n];
  if (g == 0.0) { return; }
  var p = probsSaved[i];
  if (i % shape.V == u32(targetsSaved[n])) { p -= 1.0; }
  dlogits[i] += shape.dloss * g / shape.normaliser * shape.invTemperature * p;
}

@group(0) @binding(1) var<storage, read_write> logProbs: array<f32>;

// logProbs[n] = log softmax(logits[n] / temperature)[y_n]; uses logits (3) and targets (4).
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
  if (thread == 0u) { logProbs[n] = logits[row + u32(targets[n])] * shape.invTemperature - lse; }
}
