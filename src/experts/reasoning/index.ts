import type { Expert } from '../expert.ts';

export const reasoningExperts: Expert[] = [];
