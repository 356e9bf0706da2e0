import type { Expert } from '../expert.ts';

export const formExperts: Expert[] = [];
