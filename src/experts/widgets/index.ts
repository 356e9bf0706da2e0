import type { Expert } from '../expert.ts';

export const widgetExperts: Expert[] = [];
