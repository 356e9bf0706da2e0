import { describe, expect, it } from 'vitest';
import {
  createTokenizer,
  END_OF_TARGET,
  FIRST_MERGE_ID,
  learnVocabulary,
  PADDING,
  splitChunks,
  START_OF_TARGET,
} from '../../src/agent/tokenizer.ts';
import { createRandom, type Random } from '../../src/core/random.ts';

const bytes = createTokenizer({ kind: 'bytes' });

/** Axtree-style observations like the env writes, varied by seed. */
function sampleObservation(random: Random): string {
  const names = ['Submit', 'Okay', 'Cancel', 'Next', 'Previous', 'Search', 'Name', 'Email'];
  const roles = ['button', 'textbox', 'checkbox', 'link', 'combobox', 'heading'];
  const lines = ['[1] RootWebArea "Task"'];
  for (let i = 0; i < 12; i++) {
    const depth = random.int(1, 3);
    lines.push(`${'  '.repeat(depth)}[${random.int(2, 99)}] ${random.pick(roles)} "${random.pick(names)}"`);
  }
  return lines.join('\n');
}

/** A random string of code points from several planes (ASCII, Latin, CJK, emoji), no lone surrogates. */
function randomUnicode(random: Random): string {
  const ranges: [number, number][] = [
    [0x20, 0x7e],
    [0x00, 0x1f],
    [0xa0, 0x24f],
    [0x370, 0x3ff],
    [0x4e00, 0x9fff],
    [0xd7a0, 0xd7ff],
    [0xe000, 0xffff],
    [0x1f300, 0x1faff],
    [0x10000, 0x10ffff],
  ];
  const length = random.int(0, 40);
  let text = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = random.pick(ranges);
    text += String.fromCodePoint(random.int(lo, hi));
  }
  return text;
}

describe('byte tokenizer', () => {
  it('encodes UTF-8 bytes, hand-computed', () => {
    expect(bytes.encode('Hi!')).toEqual([72, 105, 33]);
    expect(bytes.encode('é')).toEqual([0xc3, 0xa9]);
    expect(bytes.encode('café')).toEqual([99, 97, 102, 0xc3, 0xa9]);
    expect(bytes.encode('😀')).toEqual([0xf0, 0x9f, 0x98, 0x80]);
    expect(bytes.encode('')).toEqual([]);
    expect(bytes.vocabSize).toBe(259);
    expect([START_OF_TARGET, END_OF_TARGET, PADDING, FIRST_MERGE_ID]).toEqual([256, 257, 258, 259]);
  });

  it('decodes, dropping specials and replacing invalid UTF-8', () => {
    expect(bytes.decode([START_OF_TARGET, 72, 105, END_OF_TARGET, PADDING])).toBe('Hi');
    expect(bytes.decode(Int32Array.of(0xf0, 0x9f, 0x98, 0x80))).toBe('😀');
    expect(bytes.decode([0xff, 65])).toBe('\uFFFDA');
    expect(bytes.decode([0xf0, 0x9f])).toBe('\uFFFD');
    expect(() => bytes.decode([259])).toThrow(/outside this tokenizer's vocabulary/);
  });

  it('round-trips 500 random Unicode strings', () => {
    const random = createRandom('tokenizer/roundtrip');
    for (let i = 0; i < 500; i++) {
      const text = randomUnicode(random);
      expect(bytes.decode(bytes.encode(text))).toBe(text);
    }
  });
});

describe('chunks', () => {
  it('splits words, punctuation and whitespace apart and covers the text', () => {
    expect(splitChunks('[12] button "Okay"\n  [3] x')).toEqual([
      '[',
      '12',
      ']',
      ' button',
      ' "',
      'Okay',
      '"',
      '\n ',
      ' [',
      '3',
      ']',
      ' x',
    ]);
    expect(splitChunks('click("7")')).toEqual(['click', '("', '7', '")']);
    expect(splitChunks('café  olé ')).toEqual(['café', ' ', ' olé', ' ']);
    const random = createRandom('tokenizer/chunks');
    for (let i = 0; i < 200; i++) {
      const text = randomUnicode(random);
      expect(splitChunks(text).join('')).toBe(text);
    }
  });
});

describe('learned vocabulary', () => {
  it('learns the merges of a tiny corpus, hand-computed', () => {
    // Chunks "aaab" and " aaab". Pair counts: (a,a) 4, (a,b) 2, (" ",a) 1 -> merge (97,97) = 259.
    // Then [259,97,98] and [32,259,97,98]: (259,97) 2 ties with (97,98) 2; lower left id wins: (97,98) = 260.
    // Then (259,260) 2 -> 261; then (32,261) 1 -> 262; then every chunk is one token.
    const spec = learnVocabulary(['aaab aaab'], 10);
    expect(spec).toEqual({
      kind: 'learned',
      merges: [
        [97, 97],
        [97, 98],
        [259, 260],
        [32, 261],
      ],
    });
    const tokenizer = createTokenizer(spec);
    expect(tokenizer.vocabSize).toBe(263);
    expect(tokenizer.encode('aaab aaab')).toEqual([261, 262]);
    expect(tokenizer.encode('aaaa')).toEqual([259, 259]);
    expect(tokenizer.encode('aaa')).toEqual([259, 97]);
    // In "aab", (97,97) has rank 0 and (97,98) rank 1: the lower rank merges first.
    expect(tokenizer.encode('aab')).toEqual([259, 98]);
    expect(tokenizer.encode('ab, aab')).toEqual([260, 44, 32, 259, 98]);
    expect(tokenizer.decode([262, 44, 261])).toBe(' aaab,aaab');
  });

  it('stops at the number of merges asked for', () => {
    expect(learnVocabulary(['aaab aaab'], 2)).toEqual({
      kind: 'learned',
      merges: [
        [97, 97],
        [97, 98],
      ],
    });
    expect(learnVocabulary(['aaab'], 0)).toEqual({ kind: 'learned', merges: [] });
    expect(() => learnVocabulary(['x'], -1)).toThrow(/whole number of merges/);
  });

  it('never merges across a word and punctuation or space', () => {
    const spec = learnVocabulary(Array(50).fill('a.a. a.'), 20);
    if (spec.kind !== 'learned') throw new Error('expected a learned spec');
    const tokenizer = createTokenizer(spec);
    for (const [left, right] of spec.merges) {
      const text = tokenizer.decode([left, right]);
      expect(splitChunks(text)).toHaveLength(1);
    }
    expect(tokenizer.encode('a.a.').map((t) => tokenizer.decode([t]))).toEqual(['a', '.', 'a', '.']);
  });

  it('is deterministic, shortens observations and round-trips', () => {
    const random = createRandom('tokenizer/corpus');
    const corpus = Array.from({ length: 200 }, () => sampleObservation(random));
    const spec = learnVocabulary(corpus, 300);
    expect(learnVocabulary(corpus, 300)).toEqual(spec);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    if (spec.kind !== 'learned') throw new Error('expected a learned spec');
    expect(spec.merges.length).toBeGreaterThan(50);
    const tokenizer = createTokenizer(spec);
    expect(tokenizer.vocabSize).toBe(FIRST_MERGE_ID + spec.merges.length);

    const unseen = createRandom('tokenizer/unseen');
    for (let i = 0; i < 20; i++) {
      const text = sampleObservation(unseen);
      const tokens = tokenizer.encode(text);
      expect(tokens.length).toBeLessThan(bytes.encode(text).length / 2);
      expect(tokenizer.decode(tokens)).toBe(text);
    }
    const other = createRandom('tokenizer/roundtrip-learned');
    for (let i = 0; i < 500; i++) {
      const text = randomUnicode(other);
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  it('rejects a damaged spec with a message that says what to do', () => {
    expect(() => createTokenizer({ kind: 'learned', merges: [[97, 259]] })).toThrow(
      /merge 0 uses id 259.*export the tokenizer/,
    );
    expect(() => createTokenizer({ kind: 'learned', merges: [[256, 97]] })).toThrow(/merge 0 uses id 256/);
  });

  it('encodes tens of thousands of prompts quickly', () => {
    const random = createRandom('tokenizer/speed');
    const corpus = Array.from({ length: 100 }, () => sampleObservation(random));
    const tokenizer = createTokenizer(learnVocabulary(corpus, 200));
    const prompts = Array.from({ length: 20_000 }, () => sampleObservation(random));
    const start = performance.now();
    let total = 0;
    for (const prompt of prompts) total += tokenizer.encode(prompt).length;
    const seconds = (performance.now() - start) / 1000;
    expect(total).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(5);
  });
});
