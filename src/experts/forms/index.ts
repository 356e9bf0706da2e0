import type { Expert } from '../expert.ts';
import { buyTicketExpert } from './buy-ticket.ts';
import { formSequence2Expert, formSequence3Expert, formSequenceExpert } from './form-sequence.ts';
import { multiLayoutsExpert, multiOrderingsExpert } from './movie-search.ts';
import { phoneBookExpert } from './phone-book.ts';
import { readTable2Expert, readTableExpert } from './read-table.ts';
import { searchEngineExpert } from './search-engine.ts';
import { socialMediaAllExpert, socialMediaExpert, socialMediaSomeExpert } from './social-media.ts';

export const formExperts: Expert[] = [
  multiLayoutsExpert,
  multiOrderingsExpert,
  formSequenceExpert,
  formSequence2Expert,
  formSequence3Expert,
  readTableExpert,
  readTable2Expert,
  phoneBookExpert,
  searchEngineExpert,
  buyTicketExpert,
  socialMediaExpert,
  socialMediaAllExpert,
  socialMediaSomeExpert,
];
