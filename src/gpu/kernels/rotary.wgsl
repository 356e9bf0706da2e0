// Rotary positions (RoFormer, "rotate half" layout): in every head of the queries and the keys,
// channel i pairs with channel i + hs/2 and the pair turns by position * base^(-2i / hs); values
// pass through. inp, out [N, 3C]; positions [N] int32; table [maxT, hs/2, 2] = (cos, sin) of every
// angle, computed in float64 on the CPU (float32 sin of a large angle loses the 1e-4 the engine
// is held to). One thread per element of out. The backward turns dout by minus the angle and adds.

struct Shape {
  N: u32,
  C: u32,
  headWidth: u32,
  // 1 to turn forward (the forward), -1 back (the backward, which also adds into out).
  direction: f32,
}

@group(0) @binding(0) var<uniform> shape: Shape;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;
@group(0) @binding(3) var<storage, read> positions: array<i32>;
@group(0) @binding(4) var<storage, read> table: array<f32>;

override ACCUMULATE: bool = false;

@compute @workgroup_size(256)
fn rotary(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let index = (group.y * groups.x + group.x) * 256u + thread;
  let C3 = 3u * shape.C;
  if (index >= shape.N * C3) { return; }
  let n = index / C3;
  let c = index % C3;
  var value = inp[index];
  if (c < 2u * shape.C) {
    let half = shape.headWidth / 2u;
    let j = (c % shape.C) % shape.headWidth;
    let i = j % half;
    let angle = (u32(positions[n]) * half + i) * 2u;
    let cosine = table[angle];
    let sine = shape.direction * table[angle + 1u];
    if (j < half) {
      value = value * cosine - inp[index + half] * sine; // x1 cos - x2 sin
    } else {
      value = inp[index - half] * sine + value * cosine; // x1 sin + x2 cos
    }
  }
  if (ACCUMULATE) { value += out[index]; }
  out[index] = value;
}
