/**
 * Text <-> token ids for the student.
 *
 * Ids 0-255 are UTF-8 bytes; then three specials; a learned vocabulary adds byte-pair merges after
 * them (id 259 + i is merge i). A tokenizer is fully described by its spec, which is stored beside
 * every checkpoint and dataset export so a model always reads the text it was trained on.
 */

export const START_OF_TARGET = 256;
export const END_OF_TARGET = 257;
export const PADDING = 258;
export const FIRST_MERGE_ID = 259;

export type TokenizerSpec =
  | { readonly kind: 'bytes' }
  /** merges[i] = [left id, right id] of the token FIRST_MERGE_ID + i, in learning order. */
  | { readonly kind: 'learned'; readonly merges: readonly (readonly [number, number])[] };

export interface Tokenizer {
  readonly spec: TokenizerSpec;
  /** FIRST_MERGE_ID + merges: the model's vocabSize. */
  readonly vocabSize: number;
  encode(text: string): number[];
  /** Specials are dropped; invalid UTF-8 becomes U+FFFD. */
  decode(tokens: ArrayLike<number>): string;
}

/**
 * Merges never cross these chunk boundaries, so a token is part of one word, one run of
 * punctuation or one run of whitespace: a word or a punctuation run may take one leading space
 * (" button", ' "'), and a whitespace run leaves its last space to the word after it.
 * Every character falls in exactly one class, so the chunks always cover the whole text.
 */
const CHUNK = / ?[\p{L}\p{M}\p{N}]+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+/gu;

export function splitChunks(text: string): string[] {
  return text.match(CHUNK) ?? [];
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** Ids stay below 2^20 (the spec is validated), so a pair packs into one exact number. */
const PAIR_SHIFT = 1 << 20;
const pairKey = (left: number, right: number): number => left * PAIR_SHIFT + right;

/** Replaces every non-overlapping occurrence of (left, right), left to right, by `id`. */
function mergePair(symbols: readonly number[], left: number, right: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(id);
      i++;
    } else {
      out.push(symbols[i] as number);
    }
  }
  return out;
}

function validateMerges(merges: readonly (readonly [number, number])[]): void {
  if (FIRST_MERGE_ID + merges.length >= PAIR_SHIFT) {
    throw new Error(
      `A learned vocabulary holds at most ${PAIR_SHIFT - FIRST_MERGE_ID} merges; this spec has ${merges.length}.`,
    );
  }
  merges.forEach((merge, i) => {
    const known = FIRST_MERGE_ID + i;
    for (const id of merge) {
      const valid =
        Number.isInteger(id) && id >= 0 && id < known && (id < START_OF_TARGET || id >= FIRST_MERGE_ID);
      if (!valid) {
        throw new Error(
          `Tokenizer spec merge ${i} uses id ${String(id)}: a merge may join only bytes (0-255) and earlier merges (259-${known - 1}). ` +
            'The spec is damaged: export the tokenizer again from the run that learned it.',
        );
      }
    }
  });
}

/** The cache holds this many chunks before it starts over (observations repeat few distinct chunks). */
const CACHE_LIMIT = 100_000;

export function createTokenizer(spec: TokenizerSpec): Tokenizer {
  if (spec.kind === 'bytes') {
    return {
      spec,
      vocabSize: FIRST_MERGE_ID,
      encode: (text) => Array.from(utf8Encoder.encode(text)),
      decode: (tokens) => decodeBytes(tokens, FIRST_MERGE_ID, () => undefined),
    };
  }
  validateMerges(spec.merges);
  const merges = spec.merges;
  const vocabSize = FIRST_MERGE_ID + merges.length;
  const rank = new Map<number, number>();
  merges.forEach(([left, right], i) => {
    // A repeated pair can never be applied again after its first merge; keep the first rank.
    const key = pairKey(left, right);
    if (!rank.has(key)) rank.set(key, i);
  });
  const expansions: Uint8Array[] = [];
  merges.forEach(([left, right]) => {
    const part = (id: number): Uint8Array =>
      id < 256 ? Uint8Array.of(id) : (expansions[id - FIRST_MERGE_ID] as Uint8Array);
    const a = part(left);
    const b = part(right);
    const joined = new Uint8Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    expansions.push(joined);
  });

  const cache = new Map<string, readonly number[]>();
  const encodeChunk = (chunk: string): readonly number[] => {
    const cached = cache.get(chunk);
    if (cached) return cached;
    let symbols: number[] = Array.from(utf8Encoder.encode(chunk));
    for (;;) {
      let best = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = rank.get(pairKey(symbols[i] as number, symbols[i + 1] as number));
        if (r !== undefined && (best < 0 || r < best)) best = r;
      }
      if (best < 0) break;
      const [left, right] = merges[best] as readonly [number, number];
      symbols = mergePair(symbols, left, right, FIRST_MERGE_ID + best);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(chunk, symbols);
    return symbols;
  };

  return {
    spec,
    vocabSize,
    encode(text) {
      const out: number[] = [];
      for (const chunk of splitChunks(text)) for (const id of encodeChunk(chunk)) out.push(id);
      return out;
    },
    decode: (tokens) => decodeBytes(tokens, vocabSize, (id) => expansions[id - FIRST_MERGE_ID]),
  };
}

function decodeBytes(
  tokens: ArrayLike<number>,
  vocabSize: number,
  expand: (id: number) => Uint8Array | undefined,
): string {
  const bytes: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i] as number;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new Error(
        `Token id ${id} is outside this tokenizer's vocabulary (0-${vocabSize - 1}): the model and the tokenizer spec do not belong together.`,
      );
    }
    if (id < 256) bytes.push(id);
    else if (id >= FIRST_MERGE_ID) for (const b of expand(id) as Uint8Array) bytes.push(b);
  }
  return utf8Decoder.decode(Uint8Array.from(bytes));
}

/**
 * Learns `merges` byte-pair merges from the texts (deterministic: ties broken by lowest pair ids).
 *
 * Each step merges the most frequent adjacent pair (counted within chunks, weighted by how often a
 * chunk occurs); ties go to the lowest left id, then the lowest right id. Learning stops early when
 * every chunk is a single token, so the spec may hold fewer merges than asked for.
 */
export function learnVocabulary(texts: Iterable<string>, merges: number): TokenizerSpec {
  if (!Number.isInteger(merges) || merges < 0 || FIRST_MERGE_ID + merges >= PAIR_SHIFT) {
    throw new Error(
      `learnVocabulary needs a whole number of merges from 0 to ${PAIR_SHIFT - FIRST_MERGE_ID - 1}; got ${merges}.`,
    );
  }
  const chunkCounts = new Map<string, number>();
  for (const text of texts) {
    for (const chunk of splitChunks(text)) chunkCounts.set(chunk, (chunkCounts.get(chunk) ?? 0) + 1);
  }
  const words: number[][] = [];
  const weights: number[] = [];
  for (const [chunk, count] of chunkCounts) {
    words.push(Array.from(utf8Encoder.encode(chunk)));
    weights.push(count);
  }

  const counts = new Map<number, number>();
  const wordsWith = new Map<number, Set<number>>();
  const heap = new PairHeap();
  const changed = new Set<number>();
  const addPairs = (w: number, sign: 1 | -1): void => {
    const word = words[w] as number[];
    for (let i = 0; i + 1 < word.length; i++) {
      const key = pairKey(word[i] as number, word[i + 1] as number);
      counts.set(key, (counts.get(key) ?? 0) + sign * (weights[w] as number));
      changed.add(key);
      if (sign > 0) {
        let set = wordsWith.get(key);
        if (!set) wordsWith.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  const pushChanged = (): void => {
    for (const key of changed) {
      const count = counts.get(key) as number;
      if (count > 0) heap.push(count, key);
      else counts.delete(key);
    }
    changed.clear();
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);
  pushChanged();

  const learned: [number, number][] = [];
  while (learned.length < merges) {
    const top = heap.popValid(counts);
    if (top === undefined) break;
    const left = Math.floor(top / PAIR_SHIFT);
    const right = top % PAIR_SHIFT;
    const id = FIRST_MERGE_ID + learned.length;
    learned.push([left, right]);
    // Sets only grow (stale members are harmless: merging finds nothing there), in index order.
    const affected = [...(wordsWith.get(top) ?? [])].sort((a, b) => a - b);
    wordsWith.delete(top);
    for (const w of affected) {
      const word = words[w] as number[];
      const merged = mergePair(word, left, right, id);
      if (merged.length === word.length) continue;
      addPairs(w, -1);
      words[w] = merged;
      addPairs(w, 1);
    }
    pushChanged();
  }
  return { kind: 'learned', merges: learned };
}

/**
 * A max-heap of (count, pair) with lazy deletion: an entry is live while the pair's current count
 * equals the entry's. Order: higher count first, then the lower pair key (lower left, then right).
 */
class PairHeap {
  private readonly countsHeap: number[] = [];
  private readonly keysHeap: number[] = [];

  private before(i: number, j: number): boolean {
    const ci = this.countsHeap[i] as number;
    const cj = this.countsHeap[j] as number;
    return ci > cj || (ci === cj && (this.keysHeap[i] as number) < (this.keysHeap[j] as number));
  }

  private swap(i: number, j: number): void {
    const c = this.countsHeap;
    const k = this.keysHeap;
    [c[i], c[j]] = [c[j] as number, c[i] as number];
    [k[i], k[j]] = [k[j] as number, k[i] as number];
  }

  push(count: number, key: number): void {
    this.countsHeap.push(count);
    this.keysHeap.push(key);
    let i = this.countsHeap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): { count: number; key: number } | undefined {
    const n = this.countsHeap.length;
    if (n === 0) return undefined;
    const top = { count: this.countsHeap[0] as number, key: this.keysHeap[0] as number };
    this.swap(0, n - 1);
    this.countsHeap.pop();
    this.keysHeap.pop();
    const size = n - 1;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < size && this.before(l, best)) best = l;
      if (r < size && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }

  /** The best pair whose entry is still current, or undefined when no pair is left. */
  popValid(counts: ReadonlyMap<number, number>): number | undefined {
    for (;;) {
      const entry = this.pop();
      if (!entry) return undefined;
      if (counts.get(entry.key) === entry.count) return entry.key;
    }
  }
}
