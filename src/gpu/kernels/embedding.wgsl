// Embedding: out[n] = wte[tokens[n]] + wpe[positions[n]] (no wpe with rotary positions).
// tokens, positions [N]; wte [V, C]; wpe [maxT, C]; out [N, C].
// The backward is a scatter-add done as a gather, with no float atomics, so it is deterministic:
// the rows are grouped by id first (count per id, prefix sum, list the rows of each id in order),
// then one thread per (id, channel) sums its rows' gradients in row order.

struct Shape {
  N: u32,
  C: u32,
  // Rows of the table being gathered into (V or maxT), for the backward.
  rows: u32,
}

override HAS_POSITIONS: bool = true;

@group(0) @binding(0) var<uniform> shape: Shape;

fn elementOf(group: vec3u, groups: vec3u, thread: u32) -> u32 {
  return (group.y * groups.x + group.x) * 256u + thread;
}

@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> tokens: array<i32>;
@group(0) @binding(3) var<storage, read> positions: array<i32>;
@group(0) @binding(4) var<storage, read> wte: array<f32>;
@group(0) @binding(5) var<storage, read> wpe: array<f32>;

@compute @workgroup_size(256)
fn embeddingForward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = elementOf(group, groups, thread);
  if (i >= shape.N * shape.C) { return; }
  let n = i / shape.C;
  let c = i % shape.C;
  var value = wte[u32(tokens[n]) * shape.C + c];
  if (HAS_POSITIONS) { value += wpe[u32(positions[n]) * shape.C + c]; }
  out[i] = value;
}

// Grouping rows by id. ids [N] in [0, rows); counts [rows]; starts [rows + 1]; order [N].
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<storage, read_write> starts: array<u32>;
@group(0) @binding(3) var<storage, read_write> order: array<u32>;

// starts[id + 1] = how many rows have this id (one thread per id reading every id).
@compute @workgroup_size(256)
fn embeddingCountIds(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let id = elementOf(group, groups, thread);
  if (id >= shape.rows) { return; }
  var count = 0u;
  for (var n = 0u; n < shape.N; n++) {
    if (u32(ids[n]) == id) { count++; }
  }
  starts[id + 1u] = count;
}

var<workgroup> chunkTotals: array<u32, 256>;

// starts becomes the prefix sum of the counts (starts[0] = 0): one workgroup, each thread summing
// a contiguous chunk, the chunk totals scanned by thread 0.
@compute @workgroup_size(256)
fn embeddingScanIds(@builtin(local_invocation_index) thread: u32) {
  let chunk = (shape.rows + 255u) / 256u;
  let first = thread * chunk + 1u;
  let last = min(first + chunk, shape.rows + 1u);
  var total = 0u;
  for (var i = first; i < last; i++) { total += starts[i]; }
  chunkTotals[thread] = total;
  workgroupBarrier();
  if (thread == 0u) {
    var running = 0u;
    for (var t = 0u; t < 256u; t++) {
      let value = chunkTotals[t];
      chunkTotals[t] = running;
      running += value;
    }
    starts[0] = 0u;
  }
  workgroupBarrier();
  var running = chunkTotals[thread];
  for (var i = first; i < last; i++) {
    running += starts[i];
    starts[i] = running;
  }
}

// order[starts[id]..starts[id + 1]) = the rows with this id, in increasing order.
@compute @workgroup_size(256)
fn embeddingListIds(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let id = elementOf(group, groups, thread);
  if (id >= shape.rows) { return; }
  var next = starts[id];
  let end = starts[id + 1u];
  for (var n = 0u; n < shape.N && next < end; n++) {
    if (u32(ids[n]) == id) {
      order[next] = n;
      next++;
    }
  }
}

// dtable [rows, C] += sum over the rows n listed for each id of dout[n] (one thread per (id, channel)).
@group(0) @binding(1) var<storage, read_write> dtable: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read> rowStarts: array<u32>;
@group(0) @binding(4) var<storage, read> rowOrder: array<u32>;

@compute @workgroup_size(256)
fn embeddingBackward(
  @builtin(workgroup_id) group: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) thread: u32,
) {
  let i = elementOf(group, groups, thread);
  if (i >= shape.rows * shape.C) { return; }
  let id = i / shape.C;
  let c = i % shape.C;
  let end = rowStarts[id + 1u];
  if (rowStarts[id] == end) { return; }
  var sum = 0.0;
  for (var k = rowStarts[id]; k < end; k++) {
    sum += dout[rowOrder[k] * shape.C + c];
  }
  dtable[i] += sum;
}
