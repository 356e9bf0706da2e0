import type { Random } from '../../core/random.ts';

/** Word lists the task generators draw from. */
// prettier-ignore
export const BUTTON_WORDS = [
  'submit', 'ok', 'cancel', 'yes', 'no', 'next', 'previous', 'okay', 'no way', 'Submit', 'Ok', 'Cancel', 'Yes', 'No',
  'Next', 'Previous', 'Back', 'Close', 'Save', 'Delete', 'Open', 'Apply', 'Reset', 'Start', 'Stop', 'Continue',
];

// prettier-ignore
export const COMMON_WORDS = [
  'apple', 'river', 'stone', 'cloud', 'green', 'happy', 'table', 'music', 'light', 'ocean', 'tiger', 'bread', 'chair',
  'dream', 'earth', 'flame', 'grape', 'honey', 'ivory', 'jelly', 'kite', 'lemon', 'maple', 'night', 'olive', 'piano',
  'queen', 'robin', 'sugar', 'train', 'uncle', 'vivid', 'water', 'young', 'zebra', 'amber', 'blade', 'candy', 'daisy',
  'eagle', 'frost', 'giant', 'house', 'index', 'jolly', 'knife', 'lunar', 'magic', 'noble', 'orbit', 'pearl', 'quiet',
  'radio', 'solar', 'tulip', 'urban', 'vapor', 'wheat', 'pixel', 'yacht', 'zesty', 'brave', 'coral', 'delta', 'ember',
  'fable', 'globe', 'haven', 'igloo', 'jumbo', 'karma', 'lilac', 'mango', 'nylon', 'oasis', 'pluto', 'quilt', 'raven',
];

// prettier-ignore
export const FIRST_NAMES = [
  'Ada', 'Alan', 'Amal', 'Bianca', 'Carlos', 'Chen', 'Dana', 'Deshawn', 'Elena', 'Farah', 'Gustav', 'Hana', 'Ivan',
  'Jamal', 'Keiko', 'Lars', 'Lucia', 'Maya', 'Nikhil', 'Olga', 'Pedro', 'Quinn', 'Rosa', 'Sami', 'Tomas', 'Uma',
  'Vera', 'Wei', 'Xenia', 'Yusuf', 'Zoe', 'Greg', 'Kasey', 'Marcus', 'Nora', 'Ronald', 'Sofia', 'Tia', 'Abby',
];

// prettier-ignore
export const LAST_NAMES = [
  'Abbott', 'Baker', 'Castillo', 'Diaz', 'Erikson', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Kowalski',
  'Lopez', 'Moreau', 'Nakamura', 'Okafor', 'Patel', 'Quintero', 'Rossi', 'Schmidt', 'Tanaka', 'Underwood', 'Varga',
  'Walsh', 'Xu', 'Yilmaz', 'Zimmerman',
];

export const COLORS = [
  'red',
  'green',
  'blue',
  'yellow',
  'orange',
  'purple',
  'pink',
  'brown',
  'black',
  'white',
  'gray',
];

/** 1 -> "1st", 2 -> "2nd", 11 -> "11th": how the instructions name positions. */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Letters and digits, `minLength` to `maxLength` characters long: MiniWoB++'s made-up passwords and codes. */
export function randomString(random: Random, minLength: number, maxLength: number): string {
  const length = random.int(minLength, maxLength);
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHANUMERIC[random.int(0, ALPHANUMERIC.length - 1)];
  return text;
}
