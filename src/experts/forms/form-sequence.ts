import type { PolicyStep, StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, byRole, firstElement, need, taskArea, textFields, textOf } from '../find.ts';
import { byClass, byId, fillThenClick, ordinalNumber, parse, submitControl } from './page.ts';

const SLIDER_MIN = -10;
const SLIDER_MAX = 10;
const SLIDER_PAGE = 4;

/** The key that brings a -10..10 slider closest to the target in the fewest presses. */
function sliderKey(value: number, target: number): { key: string; next: number } {
  if (target === SLIDER_MAX) return { key: 'End', next: SLIDER_MAX };
  if (target === SLIDER_MIN) return { key: 'Home', next: SLIDER_MIN };
  const gap = target - value;
  if (gap >= 3) return { key: 'PageUp', next: value + SLIDER_PAGE };
  if (gap <= -3) return { key: 'PageDown', next: value - SLIDER_PAGE };
  return gap > 0 ? { key: 'ArrowRight', next: value + 1 } : { key: 'ArrowLeft', next: value - 1 };
}

/** Ticks exactly the wanted checkbox (unticking others), else null when that is done. */
function tickOnly(checkboxes: ObsElement[], wanted: number): PolicyStep | null {
  const off = checkboxes.findIndex((box, i) => Boolean(box.checked) !== (i === wanted));
  if (off < 0) return null;
  const box = checkboxes[off] as ObsElement;
  const verb = box.checked ? 'untick' : 'tick';
  return { thought: `I ${verb} the checkbox number ${off + 1}.`, action: act.click(box) };
}

/**
 * Moves the slider with the keyboard (reading the value beside it, or, where there is none, counting
 * from Home), ticks the named checkbox, then submits.
 */
export const formSequenceExpert: Expert = {
  task: 'form-sequence',
  solve({ observation, memory }) {
    const [target = '', box = ''] = parse(
      'form-sequence',
      observation.utterance,
      /Select (-?\d+) with the slider, click the (\d+)\w* checkbox/,
    );
    const area = taskArea(observation.tree);
    const handle = need(
      'form-sequence',
      firstElement(area, byClass('ui-slider-handle')),
      'the slider handle',
    );
    const readout = firstElement(area, byId('slider-value'));
    const value = readout ? Number(textOf(readout)) : (memory.slider as number | undefined);
    if (value !== Number(target)) {
      const { key, next } =
        value === undefined ? { key: 'Home', next: SLIDER_MIN } : sliderKey(value, Number(target));
      memory.slider = next;
      return {
        thought: `The slider shows ${value ?? 'no value'}; I press ${key} to move it towards ${target}.`,
        action: act.press(handle, key),
      };
    }
    const tick = tickOnly(allElements(area, byRole('checkbox')), ordinalNumber(box) - 1);
    return (
      tick ?? {
        thought: 'The slider and checkbox are set; I submit.',
        action: act.click(submitControl('form-sequence', area, ['Submit'])),
      }
    );
  },
  wrong({ observation }) {
    const [, box = ''] = parse(
      'form-sequence',
      observation.utterance,
      /Select (-?\d+) .* the (\d+)\w* checkbox/,
    );
    const area = taskArea(observation.tree);
    const other = ordinalNumber(box) % 3;
    const tick = tickOnly(allElements(area, byRole('checkbox')), other);
    return (
      tick ?? {
        thought: 'I submit with the wrong checkbox ticked.',
        action: act.click(submitControl('form-sequence', area, ['Submit'])),
      }
    );
  },
};

function formSequence2Step(view: StepView, wrongBox: boolean): PolicyStep {
  const [radio = '', number = '', box = ''] = parse(
    'form-sequence-2',
    view.observation.utterance,
    /Check the (\d+)\w* radio button and enter the number "(-?\d+)" into the (\d+)\w* textbox/,
  );
  const area = taskArea(view.observation.tree);
  const radios = allElements(area, byRole('radio'));
  const wanted = need('form-sequence-2', radios[ordinalNumber(radio) - 1], `radio button ${radio}`);
  if (!wanted.checked) return { thought: `I check the ${radio} radio button.`, action: act.click(wanted) };
  const boxIndex = wrongBox ? ordinalNumber(box) % 3 : ordinalNumber(box) - 1;
  const field = need('form-sequence-2', textFields(area)[boxIndex], `textbox ${boxIndex + 1}`);
  return fillThenClick(
    [{ field, value: number, name: `textbox ${boxIndex + 1}` }],
    submitControl('form-sequence-2', area, ['Submit']),
  );
}

/** Checks the named radio, types the number into the named textbox, submits. */
export const formSequence2Expert: Expert = {
  task: 'form-sequence-2',
  solve: (view) => formSequence2Step(view, false),
  wrong: (view) => formSequence2Step(view, true),
};

function formSequence3Step({ observation }: StepView, wrongButton: boolean): PolicyStep {
  const [height = '', label = ''] = parse(
    'form-sequence-3',
    observation.utterance,
    /Choose (.+) from the dropdown, then click the button labeled "(.+)"/,
  );
  const area = taskArea(observation.tree);
  const dropdown = need('form-sequence-3', firstElement(area, byRole('combobox')), 'the dropdown');
  if (dropdown.value !== height)
    return { thought: `I choose ${height} in the dropdown.`, action: act.select(dropdown, height) };
  const buttons = allElements(area, byRole('button'));
  const button = need(
    'form-sequence-3',
    buttons.find((b) => (textOf(b) === label) !== wrongButton),
    wrongButton ? 'another button' : `the "${label}" button`,
  );
  return { thought: `${height} is chosen; I click "${textOf(button)}".`, action: act.click(button) };
}

/** Chooses the height in the dropdown, then clicks the named button. */
export const formSequence3Expert: Expert = {
  task: 'form-sequence-3',
  solve: (view) => formSequence3Step(view, false),
  wrong: (view) => formSequence3Step(view, true),
};
