import { COUNTRIES } from '../core/countries.ts';
import { loremWords } from '../core/lorem.ts';
import type { Random } from '../../core/random.ts';
import { randomString } from '../core/words.ts';

/** What the click tasks fill their lists, menus and paragraphs with. */

// prettier-ignore
export const PEOPLE_NAMES = [
  'Abbie', 'Adela', 'Adrianna', 'Agathe', 'Aileen', 'Alisha', 'Almira', 'Alvera', 'Amargo', 'Anissa', 'Annabel',
  'Ardith', 'Aurore', 'Bettine', 'Bevvy', 'Bird', 'Blythe', 'Bobine', 'Brandise', 'Caitrin', 'Camel', 'Carlie',
  'Cathlene', 'Celestyn', 'Chloe', 'Christal', 'Clio', 'Coleen', 'Coletta', 'Cora', 'Corrine', 'Daffi', 'Danice',
  'Darrelle', 'Delores', 'Diandra', 'Doralyn', 'Drucy', 'Eadie', 'Elfrida', 'Ermentrude', 'Evy', 'Fanchon', 'Ferne',
  'Flori', 'Gerda', 'Gerta', 'Goldina', 'Gwenore', 'Hedy', 'Helli', 'Ilysa', 'Jemima', 'Jerrilyn', 'Juana', 'Kalila',
  'Kandy', 'Kata', 'Kelila', 'Kelli', 'Kiley', 'Konstanze', 'Krystyna', 'Lidia', 'Lissie', 'Loree', 'Ludovika',
  'Lynsey', 'Marcille', 'Margette', 'Marjy', 'Marna', 'Martelle', 'Mercedes', 'Mollie', 'Nanete', 'Odette', 'Ophelie',
  'Orel', 'Patsy', 'Penelope', 'Peria', 'Quintina', 'Robyn', 'Ronda', 'Rozella', 'Sara', 'Sherye', 'Sibylla',
  'Tammara', 'Terza', 'Theodosia', 'Ulla', 'Valida', 'Vally', 'Valma', 'Vanya', 'Velma', 'Wilmette', 'Yetta', 'Zora',
];

/** A sentence of lorem words. */
export function loremText(random: Random, count: number): string {
  return loremWords(random, count).join(' ');
}

/** `count` distinct codes. */
export function distinctCodes(random: Random, count: number, minLength: number, maxLength: number): string[] {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(randomString(random, minLength, maxLength));
  return [...codes];
}

/** Names or countries, as the list tasks draw them. */
export function listItems(random: Random, count: number): string[] {
  return random.sample(random.chance(0.5) ? PEOPLE_NAMES : COUNTRIES, count);
}
