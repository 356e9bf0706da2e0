/**
 * CONTRACT (to be implemented): text <-> token ids for the student.
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

export declare function createTokenizer(spec: TokenizerSpec): Tokenizer;

/** Learns `merges` byte-pair merges from the texts (deterministic: ties broken by lowest pair ids). */
export declare function learnVocabulary(texts: Iterable<string>, merges: number): TokenizerSpec;
