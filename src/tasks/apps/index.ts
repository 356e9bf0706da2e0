import type { RegisteredTask } from '../core/task.ts';
import { bookFlight, bookFlightNodelay } from './book-flight.ts';
import { chooseDate, chooseDateEasy, chooseDateMedium, chooseDateNodelay } from './choose-date.ts';
import { emailInboxTasks } from './email-inbox.ts';
import { orderFood } from './order-food.ts';

export const appTasks: RegisteredTask[] = [
  ...emailInboxTasks,
  bookFlight,
  bookFlightNodelay,
  chooseDate,
  chooseDateEasy,
  chooseDateMedium,
  chooseDateNodelay,
  orderFood,
];
