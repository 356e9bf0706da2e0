import type { Expert } from '../expert.ts';
import { emailInboxExperts } from './email-inbox.ts';

export const appExperts: Expert[] = [...emailInboxExperts];
