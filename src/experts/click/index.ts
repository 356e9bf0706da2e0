import type { Expert } from '../expert.ts';
import { clickButtonExpert } from './click-button.ts';
import { clickTestExpert } from './click-test.ts';

export const clickExperts: Expert[] = [clickTestExpert, clickButtonExpert];
