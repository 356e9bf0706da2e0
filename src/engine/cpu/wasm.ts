/**
 * A small WebAssembly binary writer: enough of the format (types, one imported memory, functions,
 * exports) and of the instruction set (integer and float scalars, 128-bit SIMD, relaxed SIMD's
 * fused multiply-add) for the CPU engine's kernels (kernels.ts). The kernels are generated at run
 * time, so the lab needs no compiler and no build step, and a kernel's source is the TypeScript
 * that emits it. Reference: the WebAssembly core specification, binary format (chapter 5), and the
 * SIMD and relaxed SIMD proposals for the 0xfd opcodes.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof V128;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function utf8(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function vector(items: readonly number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

/**
 * One function's body, written as a stack machine. Locals are named; the parameters come first,
 * in the order of the signature. Control flow uses labels by depth, as the format does, through
 * block/loop helpers that take the body as a callback so nesting cannot go wrong.
 */
export class Code {
  readonly bytes: number[] = [];
  private readonly locals = new Map<string, number>();
  private readonly extra: ValueType[] = [];
  private depth = 0;

  constructor(params: readonly string[]) {
    params.forEach((name, i) => this.locals.set(name, i));
  }

  /** Declares a local (after the parameters) and returns the name, for `const x = code.local(...)`. */
  local(name: string, type: ValueType): string {
    if (this.locals.has(name)) throw new Error(`Local ${name} is declared twice.`);
    this.locals.set(name, this.locals.size);
    this.extra.push(type);
    return name;
  }

  private index(name: string): number[] {
    const index = this.locals.get(name);
    if (index === undefined) throw new Error(`Unknown local ${name}.`);
    return unsignedLeb(index);
  }

  op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }
  get(name: string): this {
    return this.op(0x20, ...this.index(name));
  }
  set(name: string): this {
    return this.op(0x21, ...this.index(name));
  }
  tee(name: string): this {
    return this.op(0x22, ...this.index(name));
  }
  i32(value: number): this {
    return this.op(0x41, ...signedLeb(value));
  }
  f32(value: number): this {
    return this.op(0x43, ...new Uint8Array(Float32Array.of(value).buffer));
  }
  simd(opcode: number, ...immediates: number[]): this {
    return this.op(0xfd, ...unsignedLeb(opcode), ...immediates);
  }

  /** Bulk memory's memory.fill: bytes [d, d + n) = the byte value, from (d, value, n) on the stack. */
  memoryFill(): this {
    return this.op(0xfc, 11, 0);
  }
  /** Bulk memory's memory.copy: n bytes from s to d (overlap allowed), from (d, s, n) on the stack. */
  memoryCopy(): this {
    return this.op(0xfc, 10, 0, 0);
  }

  /** A block: branching to its label (passed to the body) leaves it. */
  block(body: (label: number) => void): this {
    this.op(0x02, 0x40);
    this.depth++;
    body(this.depth);
    this.depth--;
    return this.op(0x0b);
  }
  /** A loop: branching to its label goes back to the start. */
  loop(body: (label: number) => void): this {
    this.op(0x03, 0x40);
    this.depth++;
    body(this.depth);
    this.depth--;
    return this.op(0x0b);
  }
  /** `if` on the i32 on the stack, no result. */
  when(body: () => void): this {
    this.op(0x04, 0x40);
    this.depth++;
    body();
    this.depth--;
    return this.op(0x0b);
  }
  /** Branch to the label (from block/loop), unconditionally or when the i32 on the stack is nonzero. */
  br(label: number): this {
    return this.op(0x0c, ...unsignedLeb(this.depth - label));
  }
  brIf(label: number): this {
    return this.op(0x0d, ...unsignedLeb(this.depth - label));
  }

  /** The local declarations and the instructions, ending in `end`. */
  body(): number[] {
    const groups = this.extra.map((type) => [1, type]);
    return [...vector(groups), ...this.bytes, 0x0b];
  }
}

// Instructions by name (opcodes from the specification).
export const OP = {
  i32Load: 0x28,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivU: 0x6e,
  i32RemU: 0x70,
  i32And: 0x71,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f32Max: 0x97,
  f32ConvertI32S: 0xb2,
  f32ReinterpretI32: 0xbe,
  select: 0x1b,
  call: 0x10,
} as const;

export const SIMD = {
  load: 0x00,
  /** One float from memory into all four lanes. */
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  i32x4Splat: 0x11,
  f32x4ExtractLane: 0x1f,
  i32x4Eq: 0x37,
  i32x4LtS: 0x39,
  i32x4LeS: 0x3d,
  and: 0x4e,
  /** (a & mask) | (b & ~mask), operands a, b, mask. */
  bitselect: 0x52,
  f32x4Splat: 0x13,
  f32x4Nearest: 0x6a,
  i32x4Shl: 0xab,
  i32x4Add: 0xae,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  /** b < a ? b : a (the cheap minimum; no NaN or signed-zero rules). */
  f32x4Pmin: 0xea,
  /** a < b ? b : a */
  f32x4Pmax: 0xeb,
  i32x4TruncSatF32x4S: 0xf8,
  /** Relaxed SIMD: a * b + c, fused or not as the hardware does it. */
  f32x4RelaxedMadd: 0x105,
} as const;

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly code: Code;
}

/** A module importing one memory (env.memory, shared or not) and exporting its functions. */
export function assembleModule(
  functions: readonly FunctionDef[],
  memory: { readonly shared: boolean; readonly maximumPages: number },
): Uint8Array<ArrayBuffer> {
  const section = (id: number, contents: number[]): number[] => [
    id,
    ...unsignedLeb(contents.length),
    ...contents,
  ];
  const types = vector(functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), 0]));
  const limits = memory.shared
    ? [0x03, 1, ...unsignedLeb(memory.maximumPages)]
    : [0x01, 1, ...unsignedLeb(memory.maximumPages)];
  const imports = vector([[...utf8('env'), ...utf8('memory'), 0x02, ...limits]]);
  const declared = vector(functions.map((_, i) => unsignedLeb(i)));
  const exports = vector(functions.map((f, i) => [...utf8(f.name), 0x00, ...unsignedLeb(i)]));
  const code = vector(
    functions.map((f) => {
      const body = f.code.body();
      return [...unsignedLeb(body.length), ...body];
    }),
  );
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, types),
    ...section(2, imports),
    ...section(3, declared),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
