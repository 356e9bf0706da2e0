import type { Expert } from '../expert.ts';
import { copyPaste2Expert, copyPasteExpert } from './copy-paste.ts';

export const miscExperts: Expert[] = [copyPasteExpert, copyPaste2Expert];
