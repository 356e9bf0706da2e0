import type { StepView } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { utterancePart } from '../click/utterance.ts';
import type { Expert } from '../expert.ts';
import { act, allElements, need, taskArea, textOf } from '../find.ts';
import { mouse, submitButton } from '../coordinates/points.ts';

/**
 * Selects a paragraph as a person does, dragging from just inside its top-left corner to just
 * inside its bottom-right one (the last line's end), then submits. The wrong policy stops halfway
 * along the first line.
 */
function highlightExpert(task: string, which: (utterance: string) => number): Expert {
  const step = (view: StepView, whole: boolean): { thought: string; action: string } => {
    const tree = view.observation.tree;
    if (view.history.some((a) => a.startsWith('mouse_drag'))) {
      return { thought: 'The paragraph is selected; I submit.', action: act.click(submitButton(task, tree)) };
    }
    const paragraphs = allElements(taskArea(tree), (e) => e.tag === 'p' && textOf(e) !== '');
    const index = which(view.observation.utterance);
    const paragraph: ObsElement = need(task, paragraphs[index], `paragraph ${index + 1}`);
    const box = paragraph.box;
    if (!box) need(task, undefined, 'the positions of the paragraphs (box=...)');
    const { x, y, width, height } = box!;
    const from = { x: x + 1, y: y + 3 };
    const to = whole ? { x: x + width - 1, y: y + height - 3 } : { x: x + width / 2, y: y + 3 };
    return {
      thought: whole
        ? `I drag over the whole of paragraph ${index + 1} to select it.`
        : 'I select half a line.',
      action: mouse.drag(from, to),
    };
  };
  return { task, solve: (view) => step(view, true), wrong: (view) => step(view, false) };
}

export const highlightTextExpert = highlightExpert('highlight-text', () => 0);

export const highlightText2Expert = highlightExpert(
  'highlight-text-2',
  (utterance) =>
    Number(
      utterancePart(
        'highlight-text-2',
        utterance,
        /^Highlight the text in the (\d+)\w\w paragraph and click submit\.$/,
      ),
    ) - 1,
);
