import { SYNONYM_GROUPS } from '../../tasks/checkboxes/synonyms.ts';

/**
 * More of the expert's knowledge of English, beyond the lab task's own thesaurus: words of one
 * meaning, plural forms included. Other versions of the task (the official page among them) name
 * words the lab's thesaurus lacks. No group here joins two of the lab's
 * groups, so none of the lab task's distractors becomes similar to a named word.
 */
// prettier-ignore
const EXTRA_GROUPS: readonly (readonly string[])[] = [
  ['big', 'large', 'huge', 'enormous', 'gigantic', 'immense', 'vast'],
  ['small', 'tiny', 'little', 'mini', 'petite', 'minute', 'wee'],
  ['red', 'scarlet', 'crimson', 'vermillion', 'vermilion', 'ruby', 'cherry'],
  ['happy', 'cheerful', 'joyful', 'gleeful', 'delighted', 'content', 'jolly'],
  ['sad', 'unhappy', 'sorrowful', 'miserable', 'tragic', 'mournful', 'glum'],
  ['angry', 'mad', 'furious', 'irritated', 'annoyed', 'livid'],
  ['evil', 'wicked', 'immoral', 'sinful', 'corrupt', 'depraved', 'vile'],
  ['wrong', 'incorrect', 'mistaken', 'erroneous', 'false'],
  ['real', 'genuine', 'actual', 'authentic'],
  ['strange', 'odd', 'peculiar', 'unusual', 'weird', 'bizarre'],
  ['stop', 'cease', 'halt', 'end', 'finish', 'quit'],
  ['scared', 'terrified', 'panicked', 'fearful', 'frightened', 'afraid', 'alarmed'],
  ['quiet', 'calm', 'peaceful', 'serene', 'mild', 'tranquil'],
  ['old', 'aged', 'archaic', 'antique'],
  ['love', 'like', 'adore', 'favor', 'favour', 'cherish'],
  ['kill', 'murder', 'assassinate', 'slay'],
  ['keep', 'retain', 'preserve', 'sustain', 'maintain', 'hold'],
  ['hide', 'conceal', 'camouflage', 'cover'],
  ['hate', 'despise', 'loathe', 'detest', 'dislike', 'abhor'],
  ['funny', 'humorous', 'amusing', 'comical', 'laughable', 'hilarious'],
  ['fat', 'fleshy', 'plump', 'chubby', 'stout', 'portly'],
  ['stupid', 'dumb', 'dull', 'unwise', 'foolish', 'dim'],
  ['delicious', 'savory', 'savoury', 'delectable', 'appetizing', 'tasty', 'yummy'],
  ['cut', 'slice', 'carve', 'chop', 'snip'],
  ['brave', 'courageous', 'fearless', 'valiant'],
  ['begin', 'start', 'initiate', 'launch', 'commence'],
  ['answer', 'reply', 'response', 'respond', 'answers', 'replies', 'responses'],
  ['television', 'televisions', 'tv', 'tvs', 'telly'],
  ['house', 'home', 'houses', 'homes', 'dwelling', 'dwellings'],
  ['fire', 'flame', 'fires', 'flames', 'blaze', 'blazes'],
  ['pig', 'pigs', 'pork', 'swine', 'hog', 'hogs'],
  ['rabbit', 'rabbits', 'bunny', 'bunnies', 'hare', 'hares'],
  ['car', 'cars', 'automobile', 'automobiles', 'vehicle', 'vehicles', 'auto', 'autos'],
  ['water', 'waters', 'h2o'],
];

/** Every word that means the same as `word` (itself included), lower case, from both thesauri. */
export function similarWords(word: string): Set<string> {
  const wanted = word.trim().toLowerCase();
  const words = new Set([wanted]);
  for (const group of [...SYNONYM_GROUPS, ...EXTRA_GROUPS]) {
    if (group.includes(wanted)) group.forEach((w) => words.add(w));
  }
  return words;
}

export { EXTRA_GROUPS };
