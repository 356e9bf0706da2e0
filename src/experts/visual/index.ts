import type { Expert } from '../expert.ts';
import { ascendingNumbersExpert } from './ascending-numbers.ts';
import { clickColorExpert } from './click-color.ts';
import { clickPieExperts } from './click-pie.ts';
import { clickShadesExpert } from './click-shades.ts';
import { clickShapeExpert } from './click-shape.ts';
import { countShapeExpert } from './count-shape.ts';
import { countSidesExpert } from './count-sides.ts';
import { findGreatestExpert } from './find-greatest.ts';
import { gridCoordinateExpert } from './grid-coordinate.ts';
import { identifyShapeExpert } from './identify-shape.ts';
import { useColorwheelExperts } from './use-colorwheel.ts';
import { useSliderExperts } from './use-slider.ts';
import { visualAdditionExpert } from './visual-addition.ts';

export const visualExperts: Expert[] = [
  clickColorExpert,
  clickShadesExpert,
  clickShapeExpert,
  countShapeExpert,
  countSidesExpert,
  identifyShapeExpert,
  findGreatestExpert,
  visualAdditionExpert,
  gridCoordinateExpert,
  ...useSliderExperts,
  ...useColorwheelExperts,
  ...clickPieExperts,
  ascendingNumbersExpert,
];
