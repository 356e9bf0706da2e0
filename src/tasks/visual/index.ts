import type { RegisteredTask } from '../core/task.ts';
import { ascendingNumbers } from './ascending-numbers.ts';
import { clickColor } from './click-color.ts';
import { clickPie, clickPieNodelay } from './click-pie.ts';
import { clickShades } from './click-shades.ts';
import { clickShape } from './click-shape.ts';
import { countShape } from './count-shape.ts';
import { countSides } from './count-sides.ts';
import { findGreatest } from './find-greatest.ts';
import { gridCoordinate } from './grid-coordinate.ts';
import { identifyShape } from './identify-shape.ts';
import { useColorwheel, useColorwheel2 } from './use-colorwheel.ts';
import { useSlider, useSlider2 } from './use-slider.ts';
import { visualAddition } from './visual-addition.ts';

export const visualTasks: RegisteredTask[] = [
  clickColor,
  clickShades,
  clickShape,
  countShape,
  countSides,
  identifyShape,
  findGreatest,
  visualAddition,
  gridCoordinate,
  useSlider,
  useSlider2,
  useColorwheel,
  useColorwheel2,
  clickPie,
  clickPieNodelay,
  ascendingNumbers,
];
