import type { Expert } from '../expert.ts';

export const textExperts: Expert[] = [];
