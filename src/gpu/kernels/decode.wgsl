// Generation: the KV cache, attention of new queries over it, and sampling of the next tokens.
// cache [B, maxT, 2C]: for every row and column, the (rotated) keys then the values of every head;
// cacheSegments [B, maxT] int32. qkv [B T, 3C] as in attention.wgsl.

// ---------------------------------------------------------------------------------------------
// cache[b, t0 + j] = keys and values of qkv[b T + j], for j < T (the prompt, or one new token).

struct AppendShape {
  B: u32,
  T: u32,
  C: u32,
  maxT: u32,
  t0: u32,
}

@group(0) @binding(0) var<uniform> append: AppendShape;
@group(0) @binding(1) var<storage, read_write> cache: array<f32>;
@group(0) @binding(2) var<storage, read> qkv: array<f32>;

@compute @workgroup_size(256)
fn appendKeyValues(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let index = (group.y * groups.x + group.x) * 256u + thread;
  let C2 = 2u * append.C;
  if (index >= append.B * append.T * C2) { return; }
  let n = index / C2; // b T + j
  let c = index % C2;
  let b = n / append.T;
  let j = n % append.T;
  cache[(b * append.maxT + append.t0 + j) * C2 + c] = qkv[n * 3u * append.C + append.C + c];
}

// ---------------------------------------------------------------------------------------------
// One new query per row (qkv [B, 3C], at cache column t) attends to the cache columns s <= t of
// its own segment. A workgroup per (head, row): its threads score the columns into workgroup
// memory, reduce the maximum and the sum in a fixed order, then thread i sums channel i.

struct AttendShape {
  B: u32,
  C: u32,
  NH: u32,
  maxT: u32,
  t: u32,
  scale: f32,
}

const THREADS = 64u;
// The longest cache a workgroup can score (the large preset's context).
const MAX_CACHE = 2048u;
const NO_SCORE = -1e30;

@group(0) @binding(0) var<uniform> attend: AttendShape;
@group(0) @binding(1) var<storage, read_write> out: array<f32>; // [B, C]
@group(0) @binding(2) var<storage, read> query: array<f32>; // [B, 3C]
@group(0) @binding(3) var<storage, read> keyValues: array<f32>; // [B, maxT, 2C]
@group(0) @binding(4) var<storage, read> cacheSegments: array<i32>; // [B, maxT]

var<workgroup> scores: array<f32, MAX_CACHE>;
var<workgroup> scratch: array<f32, THREADS>;

fn reduceMax(value: f32, thread: u32) -> f32 {
  scratch[thread] = value;
  workgroupBarrier();
  for (var stride = THREADS / 2u; stride > 0u; stride /= 2u) {
    if (thread < stride) { scratch[thread] = max(scratch[thread], scratch[thread + stride]); }
    workgroupBarrier();
  }
  let result = scratch[0];
  workgroupBarrier();
  return result;
}

fn reduceSum(value: f32, thread: u32) -> f32 {
  scratch[thread] = value;
  workgroupBarrier();
  for (var stride = THREADS / 2u; stride > 0u; stride /= 2u) {
    if (thread < stride) { scratch[thread] += scratch[thread + stride]; }
    workgroupBarrier();
  }
  let result = scratch[0];
  workgroupBarrier();
  return result;
}

@compute @workgroup_size(64)
fn decodeAttention(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  let h = group.x;
  let b = group.y;
  let hs = attend.C / attend.NH;
  let C2 = 2u * attend.C;
  let q = b * 3u * attend.C + h * hs;
  let segment = cacheSegments[b * attend.maxT + attend.t];
  var localMax = NO_SCORE;
  for (var s = thread; s <= attend.t; s += THREADS) {
    var score = NO_SCORE;
    if (cacheSegments[b * attend.maxT + s] == segment) {
      let k = (b * attend.maxT + s) * C2 + h * hs;
      var dot = 0.0;
      for (var i = 0u; i < hs; i++) { dot = fma(query[q + i], keyValues[k + i], dot); }
      score = dot * attend.scale;
    }
    scores[s] = score;
    localMax = max(localMax, score);
  }
  let rowMax = reduceMax(localMax, thread);
  var localSum = 0.0;
  for (var s = thread; s <= attend.t; s += THREADS) {
    var p = 0.0;
    if (scores[s] > NO_SCORE) { p = exp(scores[s] - rowMax); }
    scores[s] = p;
    localSum += p;
  }
  let sum = reduceSum(localSum, thread);
  for (var i = thread; i < hs; i += THREADS) {
    var o = 0.0;
    for (var s = 0u; s <= attend.t; s++) {
      o = fma(scores[s], keyValues[(b * attend.maxT + s) * C2 + attend.C + h * hs + i], o);
    }
    out[b * attend.C + h * hs + i] = o / sum;
  }
}

// ---------------------------------------------------------------------------------------------
// The next token of every row from its logits, on the GPU: greedy (argmax), or a draw from
// softmax(logits / temperature) by the Gumbel-max trick: argmax_v logits_v / temperature + G_v
// with G_v = -log(-log u_v), u_v uniform from a counter-based hash of (seed, step, row, v), so a
// seed replays exactly. Ties go to the smallest id. Writes the token as the row's next input,
// advances its position, and records the token and its log-probability under the sampling policy
// (log softmax of the logits / temperature; temperature 1 when greedy) at column `step` of the outputs.

struct SampleShape {
  B: u32,
  V: u32,
  // The row of logits sampled for batch row b: b * rowStride + rowOffset.
  rowStride: u32,
  rowOffset: u32,
  maxNew: u32,
  step: u32,
  seed: u32,
  greedy: u32,
  temperature: f32,
}

@group(0) @binding(0) var<uniform> sample: SampleShape;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> nextTokens: array<i32>; // [B]
@group(0) @binding(3) var<storage, read_write> nextPositions: array<i32>; // [B]
@group(0) @binding(4) var<storage, read_write> outTokens: array<i32>; // [B, maxNew]
@group(0) @binding(5) var<storage, read_write> outLogProbs: array<f32>; // [B, maxNew]

var<workgroup> bestIds: array<u32, THREADS>;

// PCG's output permutation (Jarzynski & Olano, "Hash Functions for GPU Rendering").
fn pcg(value: u32) -> u32 {
  let state = value * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Uniform in (0, 1): the top 24 bits of the hash, centred in their bucket.
fn uniform01(row: u32, v: u32) -> f32 {
  let h = pcg(v + pcg(row + pcg(sample.step + pcg(sample.seed))));
  return (f32(h >> 8u) + 0.5) / 16777216.0;
}

@compute @workgroup_size(64)
fn sampleTokens(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) thread: u32) {
  let b = group.x;
  let row = (b * sample.rowStride + sample.rowOffset) * sample.V;
  var localMax = NO_SCORE;
  var bestScore = NO_SCORE;
  var bestId = 0xffffffffu;
  for (var v = thread; v < sample.V; v += THREADS) {
    let logit = logits[row + v];
    localMax = max(localMax, logit / sample.temperature);
    var score = logit;
    if (sample.greedy == 0u) { score = logit / sample.temperature - log(-log(uniform01(b, v))); }
    // v grows along the loop, so a tie keeps the earlier (smaller) id.
    if (score > bestScore || bestId == 0xffffffffu) {
      bestScore = score;
      bestId = v;
    }
  }
  let rowMax = reduceMax(localMax, thread);
  var localSum = 0.0;
  for (var v = thread; v < sample.V; v += THREADS) { localSum += exp(logits[row + v] / sample.temperature - rowMax); }
  let lse = rowMax + log(reduceSum(localSum, thread));

  // Argmax over the threads in a fixed tree order, ties to the smaller id.
  scratch[thread] = bestScore;
  bestIds[thread] = bestId;
  workgroupBarrier();
  for (var stride = THREADS / 2u; stride > 0u; stride /= 2u) {
    if (thread < stride) {
      let otherScore = scratch[thread + stride];
      let otherId = bestIds[thread + stride];
      let mine = scratch[thread];
      if (otherScore > mine || (otherScore == mine && otherId < bestIds[thread])) {
        scratch[thread] = otherScore;
        bestIds[thread] = otherId;
      }
    }
    workgroupBarrier();
  }
  if (thread == 0u) {
    let token = bestIds[0];
    nextTokens[b] = i32(token);
    nextPositions[b] += 1;
    outTokens[b * sample.maxNew + sample.step] = i32(token);
    outLogProbs[b * sample.maxNew + sample.step] = logits[row + token] / sample.temperature - lse;
  }
}
