// Matmul (a linear layer) and the two products its backward needs, as one tiled kernel:
//   c [M, N] (=, or +=) a · b (+ bias[col])
// where a is stored [M, K] or, with A_K_MAJOR, [K, M]; b is stored [N, K] or, with B_K_MAJOR, [K, N].
//   forward      out = inp weight^T + bias   a = inp [N, C],      b = weight [OC, C]
//   dinp        += dout weight               a = dout [N, OC],    b = weight [OC, C] (B_K_MAJOR)
//   dweight     += dout^T inp                a = dout [N, OC] (A_K_MAJOR), b = inp [N, C] (B_K_MAJOR)
// A workgroup of 16 x 16 threads computes a 64 x 64 tile of c, each thread 4 x 4 outputs strided by
// 16 (so a warp's stores are contiguous), stepping through K 16 at a time with both operand tiles
// staged in workgroup memory. Rows and columns past the edge load as zero and are not stored.
// Split-K (the weight gradient, where K is every token): workgroup z sums K range z of `slices`
// and writes a partial [M, N] to c at z M N; matmulSumSlices then adds the partials in order.

struct Shape {
  M: u32,
  N: u32,
  K: u32,
  // K per slice (a multiple of TILE_K); K when not split.
  sliceK: u32,
  slices: u32,
}

override A_K_MAJOR: bool = false;
override B_K_MAJOR: bool = false;
// c += product instead of c = product (the backward ops add into their gradients).
override ACCUMULATE: bool = false;
override HAS_BIAS: bool = false;
// Write partial products of K slices (see above) instead of c.
override SPLIT_K: bool = false;

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

const TILE_M = 64u;
const TILE_N = 64u;
const TILE_K = 16u;
const THREADS = 256u;

var<workgroup> tileA: array<f32, 1024>; // [TILE_K][TILE_M]
var<workgroup> tileB: array<f32, 1024>; // [TILE_K][TILE_N]

@compute @workgroup_size(16, 16)
fn matmul(
  @builtin(workgroup_id) group: vec3u,
  @builtin(local_invocation_id) local: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let row0 = group.y * TILE_M;
  let col0 = group.x * TILE_N;
  let kStart = group.z * shape.sliceK;
  let kEnd = min(kStart + shape.sliceK, shape.K);
  var acc: array<f32, 16>;
  for (var k0 = kStart; k0 < kEnd; k0 += TILE_K) {
    for (var i = 0u; i < 4u; i++) {
      let e = i * THREADS + thread;
      var m: u32;
      var k: u32;
      var n: u32;
      var kb: u32;
      // Consecutive threads read consecutive addresses of whichever layout the operand has.
      if (A_K_MAJOR) { k = e / TILE_M; m = e % TILE_M; } else { m = e / TILE_K; k = e % TILE_K; }
      if (B_K_MAJOR) { kb = e / TILE_N; n = e % TILE_N; } else { n = e / TILE_K; kb = e % TILE_K; }
      let gm = row0 + m;
      let gk = k0 + k;
      var va = 0.0;
      if (gm < shape.M && gk < kEnd) {
        if (A_K_MAJOR) { va = a[gk * shape.M + gm]; } else { va = a[gm * shape.K + gk]; }
      }
      tileA[k * TILE_M + m] = va;
      let gn = col0 + n;
      let gkb = k0 + kb;
      var vb = 0.0;
      if (gn < shape.N && gkb < kEnd) {
        if (B_K_MAJOR) { vb = b[gkb * shape.N + gn]; } else { vb = b[gn * shape.K + gkb]; }
      }
      tileB[kb * TILE_N + n] = vb;
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        av[i] = tileA[k * TILE_M + local.y + 16u * i];
        bv[i] = tileB[k * TILE_N + local.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] = fma(av[i], bv[j], acc[i * 4u + j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + local.y + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + local.x + 16u * j;
      if (row < shape.M && col < shape.N) {
        var value = acc[i * 4u + j];
        let index = row * shape.N + col;
        if (SPLIT_K) {
          c[group.z * shape.M * shape.N + index] = value;
        } else {
          if (HAS_BIAS) { value += bias[col]; }
          if (ACCUMULATE) { value += c[index]; }
          c[index] = value;
        }
      }
    }
  }
}

// c [M, N] += sum over z of partial[z] (in order, so the result does not depend on scheduling).
// Uses shape.M, shape.N and shape.slices; the partials are bound as `a`.
@compute @workgroup_size(256)
fn matmulSumSlices(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let index = (group.y * groups.x + group.x) * THREADS + thread;
  let size = shape.M * shape.N;
  if (index >= size) { return; }
  var sum = c[index];
  for (var z = 0u; z < shape.slices; z++) {
    sum += a[z * size + index];
  }
  c[index] = sum;
}

// dbias [N] += column sums of dout [M, N]: a workgroup owns 64 columns; its 4 rows of threads take
// every 4th row of dout, then add their sums in a fixed order.
var<workgroup> partialSums: array<f32, 256>;

@compute @workgroup_size(64, 4)
fn matmulBackwardBias(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_id) local: vec3u) {
  let col = group.x * 64u + local.x;
  var sum = 0.0;
  if (col < shape.N) {
    for (var row = local.y; row < shape.M; row += 4u) {
      sum += a[row * shape.N + col];
    }
  }
  partialSums[local.y * 64u + local.x] = sum;
  workgroupBarrier();
  if (local.y == 0u && col < shape.N) {
    c[col] += partialSums[local.x] + partialSums[64u + local.x] + partialSums[128u + local.x] +
      partialSums[192u + local.x];
  }
}
