import type { Expert } from '../expert.ts';
import { bookFlightExperts } from './book-flight.ts';
import { chooseDateExperts } from './choose-date.ts';
import { emailInboxExperts } from './email-inbox.ts';
import { orderFoodExpert } from './order-food.ts';

export const appExperts: Expert[] = [
  ...emailInboxExperts,
  ...bookFlightExperts,
  ...chooseDateExperts,
  orderFoodExpert,
];
