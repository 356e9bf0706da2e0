/**
 * The action grammar of the lab, parsed in one place. An action is one call, as the model writes it:
 * `click("12")`, `fill("7", "hello")`, `press("7", "Enter")`, `mouse_click(40, 90)`, `noop()`.
 * Bids may be quoted or bare; strings take single or double quotes with backslash escapes.
 * The mouse_* actions take CSS pixels of the task page's viewport, (0, 0) at its top-left corner:
 * the same numbers as the `box=(x,y,w,h)` the observation gives on coordinate tasks.
 * `select_text(bid, text)` selects the first place the element shows `text`, as a person's drag over
 * it would: a text model sees words, not their pixels, and a rich-text editor (text-editor) or a
 * copy from a field needs a selection. It needs no layout, so it works in Node as in a browser.
 */
export type Action =
  | { kind: 'click'; bid: string }
  | { kind: 'hover'; bid: string }
  | { kind: 'fill'; bid: string; text: string }
  | { kind: 'type'; bid: string; text: string }
  | { kind: 'select_option'; bid: string; option: string }
  | { kind: 'select_text'; bid: string; text: string }
  | { kind: 'press'; bid: string; key: string }
  | { kind: 'keyboard_press'; key: string }
  | { kind: 'scroll_element'; bid: string }
  | { kind: 'scroll'; dx: number; dy: number }
  | { kind: 'noop'; waitMs: number }
  | { kind: 'mouse_click'; x: number; y: number }
  | { kind: 'mouse_move'; x: number; y: number }
  | { kind: 'mouse_down'; x: number; y: number }
  | { kind: 'mouse_up'; x: number; y: number }
  | { kind: 'mouse_drag'; x1: number; y1: number; x2: number; y2: number };

export type ParseResult = { ok: true; action: Action } | { ok: false; error: string };

type Arg = { type: 'string'; value: string } | { type: 'number'; value: number };
type ArgKind = 'bid' | 'text' | 'number';

interface Signature {
  args: ArgKind[];
  names: string[];
  build(values: (string | number)[]): Action;
}

const str = (v: string | number | undefined): string => String(v);
const num = (v: string | number | undefined): number => Number(v);

/**
 * Every action with its argument list; an overloaded name has one entry per arity. A Map, because the
 * name comes from the model: a plain object would also answer to `constructor` or `__proto__`.
 */
const SIGNATURES = new Map<string, Signature[]>(
  Object.entries({
    click: [{ args: ['bid'], names: ['bid'], build: ([b]) => ({ kind: 'click', bid: str(b) }) }],
    hover: [{ args: ['bid'], names: ['bid'], build: ([b]) => ({ kind: 'hover', bid: str(b) }) }],
    fill: [
      {
        args: ['bid', 'text'],
        names: ['bid', 'text'],
        build: ([b, t]) => ({ kind: 'fill', bid: str(b), text: str(t) }),
      },
    ],
    type: [
      {
        args: ['bid', 'text'],
        names: ['bid', 'text'],
        build: ([b, t]) => ({ kind: 'type', bid: str(b), text: str(t) }),
      },
    ],
    select_option: [
      {
        args: ['bid', 'text'],
        names: ['bid', 'option'],
        build: ([b, o]) => ({ kind: 'select_option', bid: str(b), option: str(o) }),
      },
    ],
    select_text: [
      {
        args: ['bid', 'text'],
        names: ['bid', 'text'],
        build: ([b, t]) => ({ kind: 'select_text', bid: str(b), text: str(t) }),
      },
    ],
    press: [
      {
        args: ['bid', 'text'],
        names: ['bid', 'key'],
        build: ([b, k]) => ({ kind: 'press', bid: str(b), key: str(k) }),
      },
    ],
    keyboard_press: [
      { args: ['text'], names: ['key'], build: ([k]) => ({ kind: 'keyboard_press', key: str(k) }) },
    ],
    scroll: [
      { args: ['bid'], names: ['bid'], build: ([b]) => ({ kind: 'scroll_element', bid: str(b) }) },
      {
        args: ['number', 'number'],
        names: ['dx', 'dy'],
        build: ([x, y]) => ({ kind: 'scroll', dx: num(x), dy: num(y) }),
      },
    ],
    noop: [
      { args: [], names: [], build: () => ({ kind: 'noop', waitMs: 0 }) },
      { args: ['number'], names: ['wait_ms'], build: ([ms]) => ({ kind: 'noop', waitMs: num(ms) }) },
    ],
    mouse_click: [point('mouse_click')],
    mouse_move: [point('mouse_move')],
    mouse_down: [point('mouse_down')],
    mouse_up: [point('mouse_up')],
    mouse_drag: [
      {
        args: ['number', 'number', 'number', 'number'],
        names: ['x1', 'y1', 'x2', 'y2'],
        build: ([x1, y1, x2, y2]) => ({
          kind: 'mouse_drag',
          x1: num(x1),
          y1: num(y1),
          x2: num(x2),
          y2: num(y2),
        }),
      },
    ],
  }),
);

function point(kind: 'mouse_click' | 'mouse_move' | 'mouse_down' | 'mouse_up'): Signature {
  return {
    args: ['number', 'number'],
    names: ['x', 'y'],
    build: ([x, y]) => ({ kind, x: num(x), y: num(y) }),
  };
}

export const ACTION_NAMES = [...SIGNATURES.keys()];

/** The grammar in one line per action, for prompts and error messages. */
export const ACTION_USAGE = [...SIGNATURES]
  .flatMap(([name, sigs]) => sigs.map((s) => `${name}(${s.names.join(', ')})`))
  .join(', ');

export function parseAction(source: string): ParseResult {
  const text = source.trim();
  const head = /^([A-Za-z_][A-Za-z_0-9]*)\s*\(/.exec(text);
  if (!head) {
    return fail(
      `Could not read an action from ${preview(text)}. Write one call, e.g. click("12"); actions: ${ACTION_USAGE}.`,
    );
  }
  const name = head[1] as string;
  const signatures = SIGNATURES.get(name);
  if (!signatures) return fail(`Unknown action '${name}'. Actions: ${ACTION_USAGE}.`);

  const args: Arg[] = [];
  let i = head[0].length;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  skipSpace();
  if (text[i] === ')') {
    i++;
  } else {
    for (;;) {
      skipSpace();
      const arg = readArg();
      if (typeof arg === 'string') return fail(`${name}: ${arg}`);
      args.push(arg);
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ')') {
        i++;
        break;
      }
      return fail(`${name}: expected ',' or ')' at position ${i} of ${preview(text)}.`);
    }
  }
  skipSpace();
  if (i < text.length)
    return fail(`Unexpected text after the action: ${preview(text.slice(i))}. Write exactly one action.`);

  const signature = signatures.find(
    (s) => s.args.length === args.length && s.args.every((k, j) => fits(k, args[j] as Arg)),
  );
  if (!signature) {
    const usage = signatures.map((s) => `${name}(${s.names.join(', ')})`).join(' or ');
    return fail(`Wrong arguments for ${name}: expected ${usage}, got ${args.length} argument(s).`);
  }
  return { ok: true, action: signature.build(args.map((a) => a.value)) };

  function readArg(): Arg | string {
    const c = text[i];
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') {
          i++;
          if (i >= text.length) break;
          const e = text[i] as string;
          const hex = e === 'u' ? /^[0-9a-fA-F]{4}/.exec(text.slice(i + 1)) : null;
          if (hex) {
            value += String.fromCharCode(parseInt(hex[0], 16));
            i += 4;
          } else {
            value += ESCAPES.get(e) ?? e;
          }
        } else {
          value += text[i];
        }
        i++;
      }
      if (i >= text.length) return `unterminated string starting ${preview(c + value)}.`;
      i++;
      return { type: 'string', value };
    }
    const number = /^-?\d+(\.\d+)?/.exec(text.slice(i));
    if (number) {
      i += number[0].length;
      return { type: 'number', value: Number(number[0]) };
    }
    return `expected a quoted string or a number at position ${i} of ${preview(text)}.`;
  }
}

const ESCAPES = new Map([
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
  ['b', '\b'],
  ['f', '\f'],
]);

function fits(kind: ArgKind, arg: Arg): boolean {
  if (kind === 'number') return arg.type === 'number';
  if (kind === 'bid')
    return arg.type === 'number' ? Number.isInteger(arg.value) && arg.value >= 0 : arg.value.trim() !== '';
  return arg.type === 'string';
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

function preview(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

/** Writes an action back as text, so experts and tests build actions without string mistakes. */
export function formatAction(action: Action): string {
  const q = (s: string): string => JSON.stringify(s);
  switch (action.kind) {
    case 'click':
    case 'hover':
      return `${action.kind}(${q(action.bid)})`;
    case 'scroll_element':
      return `scroll(${q(action.bid)})`;
    case 'fill':
    case 'type':
    case 'select_text':
      return `${action.kind}(${q(action.bid)}, ${q(action.text)})`;
    case 'select_option':
      return `select_option(${q(action.bid)}, ${q(action.option)})`;
    case 'press':
      return `press(${q(action.bid)}, ${q(action.key)})`;
    case 'keyboard_press':
      return `keyboard_press(${q(action.key)})`;
    case 'scroll':
      return `scroll(${action.dx}, ${action.dy})`;
    case 'noop':
      return action.waitMs ? `noop(${action.waitMs})` : 'noop()';
    case 'mouse_drag':
      return `mouse_drag(${action.x1}, ${action.y1}, ${action.x2}, ${action.y2})`;
    default:
      return `${action.kind}(${action.x}, ${action.y})`;
  }
}
