import { describe, expect, it } from 'vitest';
import { ACTION_NAMES, formatAction, parseAction, type Action } from '../../src/env/actions.ts';
import { createRandom, type Random } from '../../src/core/random.ts';

/** Every form of every action, as a model might write it, with what it must parse to. */
const FORMS: [string, Action][] = [
  ['click("12")', { kind: 'click', bid: '12' }],
  ["click('12')", { kind: 'click', bid: '12' }],
  ['click(12)', { kind: 'click', bid: '12' }],
  ['  click ( "a-7" )  ', { kind: 'click', bid: 'a-7' }],
  ['hover("3")', { kind: 'hover', bid: '3' }],
  ['fill("5", "hello world")', { kind: 'fill', bid: '5', text: 'hello world' }],
  ["fill(5, 'it\\'s')", { kind: 'fill', bid: '5', text: "it's" }],
  ['fill("5", "")', { kind: 'fill', bid: '5', text: '' }],
  ['fill("5", "say \\"hi\\"\\n\\t\\\\")', { kind: 'fill', bid: '5', text: 'say "hi"\n\t\\' }],
  ['fill("5", "caf\\u00e9 ☕")', { kind: 'fill', bid: '5', text: 'café ☕' }],
  ['type("8", "abc")', { kind: 'type', bid: '8', text: 'abc' }],
  ['select_option("9", "Blue")', { kind: 'select_option', bid: '9', option: 'Blue' }],
  ['select_text("4", "lorem ipsum")', { kind: 'select_text', bid: '4', text: 'lorem ipsum' }],
  ['press("4", "Enter")', { kind: 'press', bid: '4', key: 'Enter' }],
  ['press("4", "Control+a")', { kind: 'press', bid: '4', key: 'Control+a' }],
  ['keyboard_press("Tab")', { kind: 'keyboard_press', key: 'Tab' }],
  ['scroll("6")', { kind: 'scroll_element', bid: '6' }],
  ['scroll(0, -120.5)', { kind: 'scroll', dx: 0, dy: -120.5 }],
  ['noop()', { kind: 'noop', waitMs: 0 }],
  ['noop(500)', { kind: 'noop', waitMs: 500 }],
  ['mouse_click(40, 90)', { kind: 'mouse_click', x: 40, y: 90 }],
  ['mouse_move(1.5, 2)', { kind: 'mouse_move', x: 1.5, y: 2 }],
  ['mouse_down(0, 0)', { kind: 'mouse_down', x: 0, y: 0 }],
  ['mouse_up(159, 209)', { kind: 'mouse_up', x: 159, y: 209 }],
  ['mouse_drag(10, 20, 30, 40)', { kind: 'mouse_drag', x1: 10, y1: 20, x2: 30, y2: 40 }],
];

const MISTAKES: [string, RegExp][] = [
  ['', /Could not read an action/],
  ['click the button', /Could not read an action/],
  ['clik("7")', /Unknown action 'clik'/],
  ['click()', /Wrong arguments for click/],
  ['click("")', /Wrong arguments for click/],
  ['click(1.5)', /Wrong arguments for click/],
  ['click(-3)', /Wrong arguments for click/],
  ['fill("5")', /Wrong arguments for fill: expected fill\(bid, text\)/],
  ['fill("5", 7)', /Wrong arguments for fill/],
  ['select_text("4")', /Wrong arguments for select_text: expected select_text\(bid, text\)/],
  ['select_text("4", 12)', /Wrong arguments for select_text/],
  ['scroll("a", "b")', /Wrong arguments for scroll: expected scroll\(bid\) or scroll\(dx, dy\)/],
  ['mouse_click(1)', /Wrong arguments for mouse_click/],
  ['click("7"', /expected ',' or '\)'/],
  ['fill("5", "open', /unterminated string/],
  ['click(bid)', /expected a quoted string or a number/],
  ['click("7") click("8")', /Unexpected text after the action/],
  ['click("7");', /Unexpected text after the action/],
];

describe('parseAction', () => {
  it.each(FORMS)('reads %s', (source, action) => {
    expect(parseAction(source)).toEqual({ ok: true, action });
  });

  it('has a form above for every action name', () => {
    const named = new Set(FORMS.map(([source]) => /^\s*(\w+)/.exec(source)![1]));
    expect([...named].sort()).toEqual([...ACTION_NAMES].sort());
  });

  it.each(MISTAKES)('explains what is wrong with %j', (source, message) => {
    const parsed = parseAction(source);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it.each(['constructor("1")', 'toString()', '__proto__()', 'hasOwnProperty("x")', 'valueOf(1, 2)'])(
    'reads %s as an unknown action, not as a property of an object',
    (source) => {
      const parsed = parseAction(source);
      expect(parsed).toEqual({ ok: false, error: expect.stringMatching(/^Unknown action '\w+'/) });
    },
  );

  it('never throws on 1,000 random strings, and always gives a message or an action', () => {
    const random = createRandom('action-fuzz');
    for (let i = 0; i < 1000; i++) {
      const source = randomSource(random);
      let parsed: ReturnType<typeof parseAction> | undefined;
      expect(() => (parsed = parseAction(source)), JSON.stringify(source)).not.toThrow();
      if (parsed!.ok) {
        expect(parseAction(formatAction(parsed!.action))).toEqual(parsed);
      } else {
        expect(parsed!.error.length, JSON.stringify(source)).toBeGreaterThan(10);
      }
    }
  });
});

describe('formatAction', () => {
  it.each(FORMS)('writes %s back so that it parses to the same action', (_, action) => {
    expect(parseAction(formatAction(action))).toEqual({ ok: true, action });
  });

  it('round-trips 1,000 random actions with awkward text', () => {
    const random = createRandom('action-round-trip');
    for (let i = 0; i < 1000; i++) {
      const action = randomAction(random);
      const text = formatAction(action);
      expect(parseAction(text), text).toEqual({ ok: true, action });
    }
  });
});

/** Names every plain object inherits: a parser that looks names up on an object finds them. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

/** Pieces of the grammar and of everything around it, glued at random. */
const FRAGMENTS = [
  ...ACTION_NAMES,
  ...PROTOTYPE_NAMES,
  'clik',
  '(',
  ')',
  '(',
  ')',
  ',',
  ', ',
  '"',
  "'",
  '\\',
  '\\"',
  '\\u00e9',
  '\\u12',
  '\\n',
  ' ',
  '\t',
  '\n',
  '12',
  '-3',
  '4.5',
  '0',
  '1e5',
  '.',
  '-',
  '"7"',
  "'x'",
  '"a b"',
  'é',
  '☕',
  '\u0000',
  'bid',
  ';',
  '[',
  ']',
];

function randomSource(random: Random): string {
  if (random.chance(0.2)) {
    // Plain noise: any characters at all.
    return Array.from({ length: random.int(0, 40) }, () => String.fromCharCode(random.int(0, 0x2fff))).join(
      '',
    );
  }
  if (random.chance(0.1)) {
    // A well-formed call whose name every object inherits.
    return formatAction(randomAction(random)).replace(/^\w+/, random.pick(PROTOTYPE_NAMES));
  }
  const head = random.chance(0.8)
    ? `${random.pick(random.chance(0.8) ? ACTION_NAMES : PROTOTYPE_NAMES)}(`
    : '';
  return head + Array.from({ length: random.int(0, 8) }, () => random.pick(FRAGMENTS)).join('');
}

const AWKWARD = [
  '',
  ' ',
  '"',
  "'",
  '\\',
  '\n',
  '\t',
  '\r',
  '\b',
  '\f',
  '\u000b',
  '\u0001',
  'é',
  '☕',
  '😀',
  '\ud800',
  ')',
  ',',
  'x',
];

function randomText(random: Random): string {
  return Array.from({ length: random.int(0, 6) }, () => random.pick(AWKWARD)).join('');
}

function randomBid(random: Random): string {
  return random.chance(0.8) ? String(random.int(0, 500)) : `a-${random.int(0, 9)}_x`;
}

function randomNumber(random: Random): number {
  const whole = random.int(-500, 500);
  return random.chance(0.3) ? whole + random.int(1, 9) / 10 : whole;
}

function randomAction(random: Random): Action {
  const bid = randomBid(random);
  const [x, y, x2, y2] = [
    randomNumber(random),
    randomNumber(random),
    randomNumber(random),
    randomNumber(random),
  ];
  const actions: Action[] = [
    { kind: 'click', bid },
    { kind: 'hover', bid },
    { kind: 'fill', bid, text: randomText(random) },
    { kind: 'type', bid, text: randomText(random) },
    { kind: 'select_option', bid, option: randomText(random) },
    { kind: 'select_text', bid, text: randomText(random) },
    { kind: 'press', bid, key: randomText(random) },
    { kind: 'keyboard_press', key: randomText(random) },
    { kind: 'scroll_element', bid },
    { kind: 'scroll', dx: x, dy: y },
    { kind: 'noop', waitMs: random.int(0, 3000) },
    { kind: 'mouse_click', x, y },
    { kind: 'mouse_move', x, y },
    { kind: 'mouse_down', x, y },
    { kind: 'mouse_up', x, y },
    { kind: 'mouse_drag', x1: x, y1: y, x2, y2 },
  ];
  return random.pick(actions);
}
