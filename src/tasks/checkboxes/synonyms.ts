/**
 * A small thesaurus: each group holds words of one meaning, and no word is in two groups. The
 * click-checkboxes-soft task draws from it, and its expert uses it as its knowledge of English.
 */
// prettier-ignore
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['big', 'large', 'huge', 'giant', 'massive'],
  ['small', 'tiny', 'little', 'miniature', 'compact'],
  ['fast', 'quick', 'rapid', 'swift', 'speedy'],
  ['slow', 'sluggish', 'unhurried', 'leisurely'],
  ['happy', 'glad', 'cheerful', 'joyful', 'merry'],
  ['sad', 'unhappy', 'gloomy', 'miserable', 'downcast'],
  ['angry', 'furious', 'irate', 'enraged', 'cross'],
  ['smart', 'clever', 'bright', 'intelligent', 'brilliant'],
  ['easy', 'simple', 'effortless', 'painless'],
  ['hard', 'difficult', 'tough', 'demanding'],
  ['begin', 'start', 'commence', 'launch'],
  ['end', 'finish', 'stop', 'conclude', 'halt'],
  ['rich', 'wealthy', 'affluent', 'prosperous'],
  ['poor', 'needy', 'broke', 'penniless'],
  ['cold', 'chilly', 'freezing', 'icy', 'frosty'],
  ['hot', 'scorching', 'boiling', 'sweltering'],
  ['brave', 'bold', 'fearless', 'daring', 'heroic'],
  ['afraid', 'scared', 'frightened', 'fearful', 'terrified'],
  ['quiet', 'silent', 'hushed', 'soundless'],
  ['loud', 'noisy', 'deafening', 'thunderous'],
  ['pretty', 'beautiful', 'lovely', 'attractive', 'gorgeous'],
  ['ugly', 'hideous', 'unsightly', 'grotesque'],
  ['old', 'ancient', 'aged', 'elderly'],
  ['new', 'fresh', 'novel', 'modern'],
  ['shout', 'yell', 'scream', 'holler'],
  ['walk', 'stroll', 'wander', 'amble'],
  ['eat', 'consume', 'devour', 'dine'],
  ['look', 'see', 'watch', 'observe', 'view'],
  ['talk', 'speak', 'chat', 'converse'],
  ['car', 'automobile', 'vehicle', 'auto'],
  ['house', 'home', 'dwelling', 'residence'],
  ['road', 'street', 'avenue', 'lane'],
  ['gift', 'present', 'donation'],
  ['job', 'work', 'occupation', 'career'],
  ['buy', 'purchase', 'acquire'],
  ['help', 'aid', 'assist', 'support'],
];

/** The group a word belongs to (case-insensitive), or undefined for a word the thesaurus lacks. */
export function synonymGroup(word: string): readonly string[] | undefined {
  const wanted = word.trim().toLowerCase();
  return SYNONYM_GROUPS.find((group) => group.includes(wanted));
}
