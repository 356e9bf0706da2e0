import type { Random } from '../../core/random.ts';

/** Lorem-ipsum filler words, lower case, without punctuation. */
// prettier-ignore
export const LOREM_WORDS = [
  'lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit', 'sed', 'do', 'eiusmod', 'tempor',
  'incididunt', 'ut', 'labore', 'et', 'dolore', 'magna', 'aliqua', 'enim', 'ad', 'minim', 'veniam', 'quis', 'nostrud',
  'ullamco', 'laboris', 'nisi', 'aliquip', 'ex', 'ea', 'commodo', 'duis', 'aute', 'irure', 'in', 'voluptate', 'velit',
  'esse', 'cillum', 'eu', 'fugiat', 'nulla', 'pariatur', 'excepteur', 'sint', 'occaecat', 'cupidatat', 'non',
  'proident', 'sunt', 'culpa', 'qui', 'officia', 'deserunt', 'mollit', 'anim', 'id', 'est', 'laborum', 'congue',
  'nisl', 'justo', 'mattis', 'aliquet', 'viverra', 'lectus', 'vulputate', 'porttitor', 'urna', 'volutpat', 'lacus',
  'massa', 'praesent', 'purus', 'auctor', 'etiam', 'tellus', 'morbi', 'tristique', 'senectus', 'netus', 'egestas',
  'pharetra', 'faucibus', 'ornare', 'blandit', 'dictum', 'feugiat', 'gravida', 'interdum', 'tortor', 'semper',
];

/**
 * `count` words of lorem-ipsum prose, as the MiniWob++ pages fill their panels: sentences of random
 * length, each starting with a capital and ending with a full stop that stays attached to its word.
 */
export function loremWords(random: Random, count: number): string[] {
  const words: string[] = [];
  let sentenceStart = true;
  for (let i = 0; i < count; i++) {
    let word = random.pick(LOREM_WORDS);
    if (sentenceStart) word = word[0]?.toUpperCase() + word.slice(1);
    sentenceStart = i === count - 1 || random.chance(0.15);
    words.push(sentenceStart ? `${word}.` : word);
  }
  return words;
}
