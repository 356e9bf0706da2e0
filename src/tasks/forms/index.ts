import type { RegisteredTask } from '../core/task.ts';
import { buyTicket } from './buy-ticket.ts';
import { formSequence } from './form-sequence.ts';
import { formSequence2 } from './form-sequence-2.ts';
import { formSequence3 } from './form-sequence-3.ts';
import { multiLayouts, multiOrderings } from './movie-search.ts';
import { phoneBook } from './phone-book.ts';
import { readTable, readTable2 } from './read-table.ts';
import { searchEngine } from './search-engine.ts';
import { socialMedia } from './social-media.ts';
import { socialMediaAll, socialMediaSome } from './social-media-marks.ts';

export const formTasks: RegisteredTask[] = [
  multiLayouts,
  multiOrderings,
  formSequence,
  formSequence2,
  formSequence3,
  readTable,
  readTable2,
  phoneBook,
  searchEngine,
  buyTicket,
  socialMedia,
  socialMediaAll,
  socialMediaSome,
];
