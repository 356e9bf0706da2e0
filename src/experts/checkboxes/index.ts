import type { Expert } from '../expert.ts';

export const checkboxExperts: Expert[] = [];
