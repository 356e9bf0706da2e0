// Layer norm: out = (inp - mean) * rstd * weight + bias, rstd = 1 / sqrt(var + eps), per row.
// inp, out, dinp [N, C]; weight, bias [C]; mean, rstd [N].
// Forward and the row part of the backward: one workgroup of 64 threads per row, each thread
// taking every 64th channel, sums added in a fixed tree order. The weight and bias gradients sum
// over rows: a workgroup owns 64 channels and its 4 rows of threads take every 4th row.

struct Shape {
  N: u32,
  C: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> shape: Shape;

const THREADS = 64u;
var<workgroup> sums: array<f32, 256>;

// The sum of `value` over the workgroup's first `THREADS` threads (every thread gets it).
fn workgroupSum(value: f32, thread: u32) -> f32 {
  sums[thread] = value;
  workgroupBarrier();
  for (var stride = THREADS / 2u; stride > 0u; stride /= 2u) {
    if (thread < stride) {
      sums[thread] += sums[thread + stride];
    }
    workgroupBarrier();
  }
  let total = sums[0];
  workgroupBarrier();
  return total;
}

fn rowOf(group: vec3u, groups: vec3u) -> u32 {
  return group.y * groups.x + group.x;
}

@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(4) var<storage, read> inp: array<f32>;
@group(0) @binding(5) var<storage, read> weight: array<f32>;
@group(0) @binding(6) var<storage, read> bias: array<f32>;

@compute @workgroup_size(64)
fn layerNormForward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let n = rowOf(group, groups);
  if (n >= shape.N) { return; }
  let row = n * shape.C;
  var sum = 0.0;
  for (var c = thread; c < shape.C; c += THREADS) { sum += inp[row + c]; }
  let m = workgroupSum(sum, thread) / f32(shape.C);
  var variance = 0.0;
  for (var c = thread; c < shape.C; c += THREADS) {
    let x = inp[row + c] - m;
    variance += x * x;
  }
  let s = 1.0 / sqrt(workgroupSum(variance, thread) / f32(shape.C) + shape.eps);
  for (var c = thread; c < shape.C; c += THREADS) {
    out[row + c] = (inp[row + c] - m) * s * weight[c] + bias[c];
  }
  if (thread == 0u) {
    mean[n] = m;
    rstd[n] = s;
  }
}

// Backward bindings: dinp, dweight, dbias, dout, inp, weight, mean, rstd (the reference's order).
@group(0) @binding(1) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(2) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(3) var<storage, read_write> dbias: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read> inpSaved: array<f32>;
@group(0) @binding(6) var<storage, read> weightSaved: array<f32>;
@group(0) @binding(7) var<storage, read> meanSaved: array<f32>;
@group(0) @binding(8) var<storage, read> rstdSaved: array<f32>;

// dinp += rstd * (dnorm - mean(dnorm) - norm * mean(dnorm * norm)), dnorm = dout * weight
@compute @workgroup_size(64)
fn layerNormBackwardInput(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let n = rowOf(group, groups);
  if (n >= shape.N) { return; }
  let row = n * shape.C;
  let m = meanSaved[n];
  let s = rstdSaved[n];
  var dnormSum = 0.0;
  var dnormNormSum = 0.0;
  for (var c = thread; c < shape.C; c += THREADS) {
    let norm = (inpSaved[row + c] - m) * s;
    let dnorm = weightSaved[c] * dout[row + c];
    dnormSum += dnorm;
    dnormNormSum += dnorm * norm;
  }
  let dnormMean = workgroupSum(dnormSum, thread) / f32(shape.C);
  let dnormNormMean = workgroupSum(dnormNormSum, thread) / f32(shape.C);
  for (var c = thread; c < shape.C; c += THREADS) {
    let norm = (inpSaved[row + c] - m) * s;
    let dnorm = weightSaved[c] * dout[row + c];
    dinp[row + c] += s * (dnorm - dnormMean - norm * dnormNormMean);
  }
}

// dweight [C] += sum_n norm * dout; dbias [C] += sum_n dout
@compute @workgroup_size(64, 4)
fn layerNormBackwardParams(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_id) local: vec3u) {
  let c = group.x * 64u + local.x;
  var dw = 0.0;
  var db = 0.0;
  if (c < shape.C) {
    for (var n = local.y; n < shape.N; n += 4u) {
      let d = dout[n * shape.C + c];
      dw += (inpSaved[n * shape.C + c] - meanSaved[n]) * rstdSaved[n] * d;
      db += d;
    }
  }
  let slot = local.y * 64u + local.x;
  sums[slot] = dw;
  workgroupBarrier();
  if (local.y == 0u && c < shape.C) {
    dweight[c] += sums[local.x] + sums[64u + local.x] + sums[128u + local.x] + sums[192u + local.x];
  }
  workgroupBarrier();
  sums[slot] = db;
  workgroupBarrier();
  if (local.y == 0u && c < shape.C) {
    dbias[c] += sums[local.x] + sums[64u + local.x] + sums[128u + local.x] + sums[192u + local.x];
  }
}
