import { headWidth, LAYER_NORM_EPSILON, ROTARY_BASE, type ModelConfig } from '../model/config.ts';
import { parameterLayout, tensorView, type TensorSpec } from '../model/layout.ts';
import { checkpointMetadata } from './checkpoint.ts';
import { ProtoWriter } from './protobuf.ts';

/**
 * The student's forward pass as an ONNX model (opset 17, standard operators only), so that an
 * independent runtime can run an exported checkpoint: onnxruntime, in the browser or elsewhere.
 *
 *   input  `tokens`  int64 [batch, sequence]
 *   output `logits`  float [batch, sequence, vocab]
 *
 * Each row is one whole sequence: positions count from 0 at its first token, attention is causal
 * over the row, and there is no padding or packing (the engine's segments are not exported). Both
 * position kinds are exported: learned positions as a Gather from `wpe`, rotary positions as
 * (cos, sin) tables of float64 angles rounded to float32, like the GPU engine's. The weights keep
 * their layout names and [out, in] shapes; Transpose nodes in the graph turn them for MatMul (a
 * runtime folds them once at load). GELU is the tanh form, written out in elementwise operators.
 */

const OPSET = 17;
/** The IR version that goes with opset 17. */
const IR_VERSION = 8;

/** TensorProto.DataType values. */
const FLOAT = 1;
const INT64 = 7;

type Attribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] };

const int = (value: number): Attribute => ({ kind: 'int', value });
const float = (value: number): Attribute => ({ kind: 'float', value });
const ints = (value: readonly number[]): Attribute => ({ kind: 'ints', value });

/** AttributeProto.AttributeType values. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, ints: 7 } as const;

interface Node {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, Attribute>>;
}

interface Initializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: typeof FLOAT | typeof INT64;
  readonly bytes: Uint8Array;
}

/** Collects nodes and initializers with generated names for intermediate values. */
class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Initializer[] = [];
  private count = 0;

  /** Adds a node with one output and returns the output's name. */
  op(op: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}): string {
    return this.opMany(op, inputs, 1, attributes)[0]!;
  }

  opMany(
    op: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Record<string, Attribute> = {},
  ): string[] {
    const outputs = Array.from(
      { length: outputCount },
      (_, i) => `${op}_${this.count}${i > 0 ? `_${i}` : ''}`,
    );
    this.count += 1;
    this.nodes.push({ op, inputs, outputs, attributes });
    return outputs;
  }

  floats(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    const data = Float32Array.from(values);
    this.initializers.push({ name, dims, type: FLOAT, bytes: new Uint8Array(data.buffer) });
    return name;
  }

  int64s(name: string, dims: readonly number[], values: readonly number[]): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dims, type: INT64, bytes: new Uint8Array(data.buffer) });
    return name;
  }

  /** y = x W^T + b for a layout weight [out, in] and bias [out]. */
  linear(x: string, weight: string, bias: string | null): string {
    const product = this.op('MatMul', [x, this.op('Transpose', [weight], { perm: ints([1, 0]) })]);
    return bias === null ? product : this.op('Add', [product, bias]);
  }
}

/** The ONNX file of the forward pass of a model with these parameters (flat layout, float32 or float64). */
export function exportOnnx(config: ModelConfig, params: Float32Array | Float64Array): Uint8Array {
  const layout = parameterLayout(config);
  if (params.length !== layout.totalFloats) {
    throw new Error(`Parameters have ${params.length} floats; this layout needs ${layout.totalFloats}.`);
  }
  const g = new GraphBuilder();
  const weight = (tensor: TensorSpec): string =>
    g.floats(tensor.name, tensor.shape, tensorView(params, tensor));
  const { width: C, heads: NH } = config;
  const hs = headWidth(config);
  const half = hs / 2;

  // Shared constants.
  const zero = g.int64s('const.zero', [], [0]);
  const one = g.int64s('const.one', [], [1]);
  const axis0 = g.int64s('const.axes0', [1], [0]);
  const axis1 = g.int64s('const.axes1', [1], [1]);
  const splitHeads = g.int64s('const.split_heads', [4], [0, 0, NH, hs]);
  const mergeHeads = g.int64s('const.merge_heads', [3], [0, 0, C]);
  const qkvSplit = g.int64s('const.qkv_split', [3], [C, C, C]);
  const minusInfinity = g.floats('const.minus_infinity', [], [-Infinity]);
  const scale = g.floats('const.attention_scale', [], [1 / Math.sqrt(hs)]);

  // positions [T] = 0 .. T-1, T the input's second dimension
  const T = g.op('Gather', [g.op('Shape', ['tokens']), one], { axis: int(0) });
  const positions = g.op('Range', [zero, T, one]);
  // future [T, T]: true where key position > query position (masked)
  const future = g.op('Greater', [
    g.op('Unsqueeze', [positions, axis0]),
    g.op('Unsqueeze', [positions, axis1]),
  ]);

  let x = g.op('Gather', [weight(layout.wte), 'tokens'], { axis: int(0) }); // [B, T, C]
  if (layout.wpe !== null) x = g.op('Add', [x, g.op('Gather', [weight(layout.wpe), positions])]);

  let rotate: ((heads: string) => string) | null = null;
  if (config.positions === 'rotary') {
    const cosTable = new Float64Array(config.context * half);
    const sinTable = new Float64Array(config.context * half);
    for (let position = 0; position < config.context; position++) {
      for (let i = 0; i < half; i++) {
        const angle = position * Math.pow(ROTARY_BASE, (-2 * i) / hs);
        cosTable[position * half + i] = Math.cos(angle);
        sinTable[position * half + i] = Math.sin(angle);
      }
    }
    const cos = g.op('Gather', [g.floats('rotary.cos', [config.context, half], cosTable), positions]); // [T, hs/2]
    const sin = g.op('Gather', [g.floats('rotary.sin', [config.context, half], sinTable), positions]);
    const axis3 = g.int64s('const.axes3', [1], [3]);
    const firstHalf = [
      g.int64s('const.rotary_first_start', [1], [0]),
      g.int64s('const.rotary_first_end', [1], [half]),
    ];
    const secondHalf = [
      g.int64s('const.rotary_second_start', [1], [half]),
      g.int64s('const.rotary_second_end', [1], [hs]),
    ];
    // "rotate half": channel i pairs with i + hs/2: (x1 cos - x2 sin, x1 sin + x2 cos)
    rotate = (heads) => {
      const x1 = g.op('Slice', [heads, ...firstHalf, axis3]);
      const x2 = g.op('Slice', [heads, ...secondHalf, axis3]);
      const out1 = g.op('Sub', [g.op('Mul', [x1, cos]), g.op('Mul', [x2, sin])]);
      const out2 = g.op('Add', [g.op('Mul', [x1, sin]), g.op('Mul', [x2, cos])]);
      return g.op('Concat', [out1, out2], { axis: int(-1) });
    };
  }

  const layerNorm = (input: string, gain: TensorSpec, bias: TensorSpec): string =>
    g.op('LayerNormalization', [input, weight(gain), weight(bias)], {
      axis: int(-1),
      epsilon: float(LAYER_NORM_EPSILON),
    });
  // [B, T, C] -> [B, NH, T, hs]
  const toHeads = (input: string): string =>
    g.op('Transpose', [g.op('Reshape', [input, splitHeads])], { perm: ints([0, 2, 1, 3]) });

  const geluCube = g.floats('const.gelu_cube', [], [0.044715]);
  const geluScale = g.floats('const.gelu_scale', [], [Math.sqrt(2 / Math.PI)]);
  const oneFloat = g.floats('const.one_float', [], [1]);
  const halfFloat = g.floats('const.half_float', [], [0.5]);
  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  const gelu = (input: string): string => {
    const cube = g.op('Mul', [input, g.op('Mul', [input, input])]);
    const inner = g.op('Mul', [geluScale, g.op('Add', [input, g.op('Mul', [geluCube, cube])])]);
    const gate = g.op('Add', [oneFloat, g.op('Tanh', [inner])]);
    return g.op('Mul', [g.op('Mul', [halfFloat, input]), gate]);
  };

  for (const w of layout.blocks) {
    const ln1 = layerNorm(x, w.ln1Weight, w.ln1Bias);
    const qkv = g.linear(ln1, weight(w.qkvWeight), weight(w.qkvBias)); // [B, T, 3C]
    const [q, k, v] = g.opMany('Split', [qkv, qkvSplit], 3, { axis: int(-1) }) as [string, string, string];
    let queries = toHeads(q);
    let keys = toHeads(k);
    if (rotate !== null) {
      queries = rotate(queries);
      keys = rotate(keys);
    }
    const keysT = g.op('Transpose', [keys], { perm: ints([0, 1, 3, 2]) });
    const scores = g.op('Mul', [g.op('MatMul', [queries, keysT]), scale]); // [B, NH, T, T]
    const att = g.op('Softmax', [g.op('Where', [future, minusInfinity, scores])], { axis: int(-1) });
    const heads = g.op('MatMul', [att, toHeads(v)]); // [B, NH, T, hs]
    const atty = g.op('Reshape', [g.op('Transpose', [heads], { perm: ints([0, 2, 1, 3]) }), mergeHeads]);
    x = g.op('Add', [x, g.linear(atty, weight(w.attnProjWeight), weight(w.attnProjBias))]);
    const ln2 = layerNorm(x, w.ln2Weight, w.ln2Bias);
    const fch = g.linear(ln2, weight(w.fcWeight), weight(w.fcBias));
    x = g.op('Add', [x, g.linear(gelu(fch), weight(w.fcProjWeight), weight(w.fcProjBias))]);
  }
  const lnf = layerNorm(x, layout.lnfWeight, layout.lnfBias);
  const logits = g.linear(lnf, layout.wte.name, null); // tied output embedding
  g.nodes.push({ op: 'Identity', inputs: [logits], outputs: ['logits'], attributes: {} });

  return encodeModel(g, config);
}

function encodeModel(g: GraphBuilder, config: ModelConfig): Uint8Array {
  const model = new ProtoWriter();
  model.varint(1, IR_VERSION); // ir_version
  model.string(2, 'web-agent-lab'); // producer_name
  model.message(8, (opset) => opset.string(1, '').varint(2, OPSET)); // opset_import
  model.message(7, (graph) => {
    for (const node of g.nodes) graph.message(1, (w) => encodeNode(w, node));
    graph.string(2, 'student');
    for (const initializer of g.initializers) graph.message(5, (w) => encodeInitializer(w, initializer));
    graph.message(11, (w) => encodeValueInfo(w, 'tokens', INT64, ['batch', 'sequence']));
    graph.message(12, (w) => encodeValueInfo(w, 'logits', FLOAT, ['batch', 'sequence', config.vocabSize]));
  });
  for (const [key, value] of Object.entries(checkpointMetadata(config, 'web-agent-lab/onnx-forward'))) {
    model.message(14, (entry) => entry.string(1, key).string(2, value)); // metadata_props
  }
  return model.finish();
}

function encodeNode(w: ProtoWriter, node: Node): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.outputs[0]!); // name
  w.string(4, node.op); // op_type
  for (const [name, attribute] of Object.entries(node.attributes)) {
    w.message(5, (a) => {
      a.string(1, name);
      a.varint(20, ATTRIBUTE_TYPE[attribute.kind]);
      if (attribute.kind === 'float') a.float(2, attribute.value);
      if (attribute.kind === 'int') a.varint(3, attribute.value);
      if (attribute.kind === 'ints') a.packedVarints(8, attribute.value);
    });
  }
}

function encodeInitializer(w: ProtoWriter, initializer: Initializer): void {
  if (initializer.dims.length > 0) w.packedVarints(1, initializer.dims);
  w.varint(2, initializer.type);
  w.string(8, initializer.name);
  w.bytes(9, initializer.bytes); // raw_data, little-endian
}

function encodeValueInfo(
  w: ProtoWriter,
  name: string,
  elementType: number,
  dims: readonly (number | string)[],
): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, elementType);
      tensor.message(2, (shape) => {
        for (const dim of dims) {
          shape.message(1, (d) => (typeof dim === 'number' ? d.varint(1, dim) : d.string(2, dim)));
        }
      });
    }),
  );
}
