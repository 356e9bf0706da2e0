// Causal multi-head attention with segments, fused and tiled (FlashAttention-2 style): the query
// at t attends to keys s <= t of its own segment; the T x T scores are never stored.
// inp qkv [B, T, 3C] (queries, keys, values; head h owns channels h*hs..(h+1)*hs-1 of each);
// segments [B, T] int32; out [B, T, C]; lse [B, NH, T] the log-sum-exp of each query's scores.
// Forward: a workgroup takes 64 queries of one (batch row, head), one thread per query holding
// its query and output in registers, and walks the keys 16 at a time (staged in workgroup memory)
// with an online softmax. Backward recomputes the probabilities from lse: one kernel for the
// queries' gradients (thread per query, walking keys), one for the keys' and values' (thread per
// key, walking queries), so no two threads write the same gradient and no atomics are needed.

struct Shape {
  B: u32,
  T: u32,
  C: u32,
  NH: u32,
  scale: f32,
}

override HEAD_SIZE: u32 = 64;
const MAX_HEAD_SIZE = 64u;
const ROWS = 64u; // queries (or keys) per workgroup
const TILE = 16u; // keys (or queries) staged per step
// Below every score, finite: kernels may not rely on infinities.
const NO_SCORE = -1e30;

@group(0) @binding(0) var<uniform> shape: Shape;

var<workgroup> tileA: array<f32, 1024>; // [TILE][MAX_HEAD_SIZE]: keys, or queries
var<workgroup> tileB: array<f32, 1024>; // [TILE][MAX_HEAD_SIZE]: values, or output gradients
var<workgroup> tileSegments: array<i32, TILE>;
var<workgroup> tileLse: array<f32, TILE>;
var<workgroup> tileD: array<f32, TILE>;

// Index of channel 0 of head h, part (0 queries, 1 keys, 2 values), token t of row b in qkv.
fn qkvIndex(b: u32, t: u32, part: u32, h: u32) -> u32 {
  return (b * shape.T + t) * 3u * shape.C + part * shape.C + h * HEAD_SIZE;
}

// ---------------------------------------------------------------------------------------------
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;
@group(0) @binding(3) var<storage, read> inp: array<f32>;
@group(0) @binding(4) var<storage, read> segments: array<i32>;

// Stages `part` (1 keys, 2 values) of tokens first..first+TILE-1 into tile; zeros past T.
fn stageKeys(b: u32, h: u32, first: u32, thread: u32) {
  for (var e = thread; e < TILE * HEAD_SIZE; e += ROWS) {
    let s = first + e / HEAD_SIZE;
    let i = e % HEAD_SIZE;
    var k = 0.0;
    var v = 0.0;
    if (s < shape.T) {
      k = inp[qkvIndex(b, s, 1u, h) + i];
      v = inp[qkvIndex(b, s, 2u, h) + i];
    }
    tileA[(e / HEAD_SIZE) * MAX_HEAD_SIZE + i] = k;
    tileB[(e / HEAD_SIZE) * MAX_HEAD_SIZE + i] = v;
  }
  if (thread < TILE) {
    let s = first + thread;
    tileSegments[thread] = select(-2, segments[b * shape.T + min(s, shape.T - 1u)], s < shape.T);
  }
}

@compute @workgroup_size(64)
fn attentionForward(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  let b = group.z;
  let h = group.y;
  let first = group.x * ROWS;
  let t = first + thread;
  let inRange = t < shape.T;
  var q: array<f32, MAX_HEAD_SIZE>;
  var o: array<f32, MAX_HEAD_SIZE>;
  var segment = -3;
  if (inRange) {
    let query = qkvIndex(b, t, 0u, h);
    for (var i = 0u; i < HEAD_SIZE; i++) { q[i] = inp[query + i]; }
    segment = segments[b * shape.T + t];
  }
  var runningMax = NO_SCORE;
  var runningSum = 0.0;
  let lastKey = min(first + ROWS, shape.T); // one past the last key any query here sees
  for (var k0 = 0u; k0 < lastKey; k0 += TILE) {
    stageKeys(b, h, k0, thread);
    workgroupBarrier();
    if (inRange) {
      var scores: array<f32, TILE>;
      var tileMax = NO_SCORE;
      for (var j = 0u; j < TILE; j++) {
        var score = NO_SCORE;
        if (k0 + j <= t && tileSegments[j] == segment) {
          var dot = 0.0;
          for (var i = 0u; i < HEAD_SIZE; i++) { dot = fma(q[i], tileA[j * MAX_HEAD_SIZE + i], dot); }
          score = dot * shape.scale;
          tileMax = max(tileMax, score);
        }
        scores[j] = score;
      }
      if (tileMax > NO_SCORE) {
        let newMax = max(runningMax, tileMax);
        let correction = exp(runningMax - newMax);
        runningSum *= correction;
        for (var i = 0u; i < HEAD_SIZE; i++) { o[i] *= correction; }
        for (var j = 0u; j < TILE; j++) {
          if (scores[j] > NO_SCORE) {
            let p = exp(scores[j] - newMax);
            runningSum += p;
            for (var i = 0u; i < HEAD_SIZE; i++) { o[i] = fma(p, tileB[j * MAX_HEAD_SIZE + i], o[i]); }
          }
        }
        runningMax = newMax;
      }
    }
    workgroupBarrier();
  }
  if (inRange) {
    let output = (b * shape.T + t) * shape.C + h * HEAD_SIZE;
    for (var i = 0u; i < HEAD_SIZE; i++) { out[output + i] = o[i] / runningSum; }
    lse[(b * shape.NH + h) * shape.T + t] = runningMax + log(runningSum);
  }
}

// ---------------------------------------------------------------------------------------------
// Backward bindings: dinp, dout, inp, out, lse, segments, and D [B, NH, T] = dout . out per query.
@group(0) @binding(1) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read> outSaved: array<f32>;
@group(0) @binding(6) var<storage, read> lseSaved: array<f32>;
@group(0) @binding(7) var<storage, read_write> dotOut: array<f32>;

// D[b, h, t] = sum_i dout[b, t, h, i] out[b, t, h, i] (= sum_s att[s] datt[s] of the reference),
// one thread per (token, head).
@compute @workgroup_size(64)
fn attentionBackwardDot(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let index = (group.y * groups.x + group.x) * 64u + thread;
  if (index >= shape.B * shape.T * shape.NH) { return; }
  let h = index % shape.NH;
  let n = index / shape.NH; // b * T + t
  let row = n * shape.C + h * HEAD_SIZE;
  var d = 0.0;
  for (var i = 0u; i < HEAD_SIZE; i++) { d = fma(dout[row + i], outSaved[row + i], d); }
  let b = n / shape.T;
  dotOut[(b * shape.NH + h) * shape.T + n % shape.T] = d;
}

// dq_t += scale sum_s p_ts (dout_t . v_s - D_t) k_s, one thread per query, walking the keys.
@compute @workgroup_size(64)
fn attentionBackwardQuery(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  let b = group.z;
  let h = group.y;
  let first = group.x * ROWS;
  let t = first + thread;
  let inRange = t < shape.T;
  var q: array<f32, MAX_HEAD_SIZE>;
  var dO: array<f32, MAX_HEAD_SIZE>;
  var dq: array<f32, MAX_HEAD_SIZE>;
  var segment = -3;
  var rowLse = 0.0;
  var rowD = 0.0;
  if (inRange) {
    let query = qkvIndex(b, t, 0u, h);
    let output = (b * shape.T + t) * shape.C + h * HEAD_SIZE;
    for (var i = 0u; i < HEAD_SIZE; i++) {
      q[i] = inp[query + i];
      dO[i] = dout[output + i];
    }
    segment = segments[b * shape.T + t];
    rowLse = lseSaved[(b * shape.NH + h) * shape.T + t];
    rowD = dotOut[(b * shape.NH + h) * shape.T + t];
  }
  let lastKey = min(first + ROWS, shape.T);
  for (var k0 = 0u; k0 < lastKey; k0 += TILE) {
    stageKeys(b, h, k0, thread);
    workgroupBarrier();
    if (inRange) {
      for (var j = 0u; j < TILE; j++) {
        if (k0 + j <= t && tileSegments[j] == segment) {
          var score = 0.0;
          var dp = 0.0;
          for (var i = 0u; i < HEAD_SIZE; i++) {
            score = fma(q[i], tileA[j * MAX_HEAD_SIZE + i], score);
            dp = fma(dO[i], tileB[j * MAX_HEAD_SIZE + i], dp);
          }
          let p = exp(score * shape.scale - rowLse);
          let dscore = p * (dp - rowD) * shape.scale;
          for (var i = 0u; i < HEAD_SIZE; i++) { dq[i] = fma(dscore, tileA[j * MAX_HEAD_SIZE + i], dq[i]); }
        }
      }
    }
    workgroupBarrier();
  }
  if (inRange) {
    let query = qkvIndex(b, t, 0u, h);
    for (var i = 0u; i < HEAD_SIZE; i++) { dinp[query + i] += dq[i]; }
  }
}

// dk_s += scale sum_t p_ts (dout_t . v_s - D_t) q_t and dv_s += sum_t p_ts dout_t, one thread per
// key, walking the queries t >= s (queries in tileA, output gradients in tileB).
@compute @workgroup_size(64)
fn attentionBackwardKeyValue(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  let b = group.z;
  let h = group.y;
  let first = group.x * ROWS;
  let s = first + thread;
  let inRange = s < shape.T;
  var k: array<f32, MAX_HEAD_SIZE>;
  var v: array<f32, MAX_HEAD_SIZE>;
  var dk: array<f32, MAX_HEAD_SIZE>;
  var dv: array<f32, MAX_HEAD_SIZE>;
  var segment = -3;
  if (inRange) {
    let key = qkvIndex(b, s, 1u, h);
    let value = qkvIndex(b, s, 2u, h);
    for (var i = 0u; i < HEAD_SIZE; i++) {
      k[i] = inp[key + i];
      v[i] = inp[value + i];
    }
    segment = segments[b * shape.T + s];
  }
  for (var q0 = first; q0 < shape.T; q0 += TILE) {
    for (var e = thread; e < TILE * HEAD_SIZE; e += ROWS) {
      let t = q0 + e / HEAD_SIZE;
      let i = e % HEAD_SIZE;
      var qValue = 0.0;
      var dValue = 0.0;
      if (t < shape.T) {
        qValue = inp[qkvIndex(b, t, 0u, h) + i];
        dValue = dout[(b * shape.T + t) * shape.C + h * HEAD_SIZE + i];
      }
      tileA[(e / HEAD_SIZE) * MAX_HEAD_SIZE + i] = qValue;
      tileB[(e / HEAD_SIZE) * MAX_HEAD_SIZE + i] = dValue;
    }
    if (thread < TILE) {
      let t = min(q0 + thread, shape.T - 1u);
      tileSegments[thread] = select(-2, segments[b * shape.T + t], q0 + thread < shape.T);
      tileLse[thread] = lseSaved[(b * shape.NH + h) * shape.T + t];
      tileD[thread] = dotOut[(b * shape.NH + h) * shape.T + t];
    }
    workgroupBarrier();
    if (inRange) {
      for (var j = 0u; j < TILE; j++) {
        if (q0 + j >= s && tileSegments[j] == segment) {
          var score = 0.0;
          var dp = 0.0;
          for (var i = 0u; i < HEAD_SIZE; i++) {
            score = fma(tileA[j * MAX_HEAD_SIZE + i], k[i], score);
            dp = fma(tileB[j * MAX_HEAD_SIZE + i], v[i], dp);
          }
          let p = exp(score * shape.scale - tileLse[j]);
          let dscore = p * (dp - tileD[j]) * shape.scale;
          for (var i = 0u; i < HEAD_SIZE; i++) {
            dk[i] = fma(dscore, tileA[j * MAX_HEAD_SIZE + i], dk[i]);
            dv[i] = fma(p, tileB[j * MAX_HEAD_SIZE + i], dv[i]);
          }
        }
      }
    }
    workgroupBarrier();
  }
  if (inRange) {
    let key = qkvIndex(b, s, 1u, h);
    let value = qkvIndex(b, s, 2u, h);
    for (var i = 0u; i < HEAD_SIZE; i++) {
      dinp[key + i] += dk[i];
      dinp[value + i] += dv[i];
    }
  }
}
