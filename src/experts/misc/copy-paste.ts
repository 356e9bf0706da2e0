import type { PolicyStep } from '../../env/episode.ts';
import type { ObsElement } from '../../env/observation.ts';
import { ExpertConfusedError, type Expert } from '../expert.ts';
import { allElements, need, firstElement, taskArea } from '../find.ts';
import { fillThenClick, ordinalIn, submitButton } from '../text/steps.ts';

/**
 * The source textareas hold the text to copy; the answer is the one text input. The expert puts the
 * text in with `fill`, which is what a paste amounts to, and submits.
 */
function copyExpert(
  task: string,
  pickSource: (utterance: string, sources: ObsElement[]) => ObsElement,
): Expert {
  const step = (view: Parameters<Expert['solve']>[0], wrong: boolean): PolicyStep => {
    const area = taskArea(view.observation.tree);
    const sources = allElements(area, (e) => e.tag === 'textarea');
    if (sources.length === 0) throw new ExpertConfusedError(task, 'no textarea to copy from');
    const source = pickSource(view.observation.utterance, sources);
    const input = need(
      task,
      firstElement(area, (e) => e.tag === 'input' && e.role === 'textbox'),
      'the text input to paste into',
    );
    const text = source.value ?? '';
    return fillThenClick(
      [{ field: input, text: wrong ? `${text} x` : text, label: 'the text input' }],
      submitButton(task, area),
    );
  };
  return { task, solve: (view) => step(view, false), wrong: (view) => step(view, true) };
}

export const copyPasteExpert = copyExpert('copy-paste', (_utterance, sources) => sources[0] as ObsElement);

export const copyPaste2Expert = copyExpert('copy-paste-2', (utterance, sources) => {
  const position = ordinalIn('copy-paste-2', utterance);
  const source = sources[position - 1];
  if (!source)
    throw new ExpertConfusedError('copy-paste-2', `asked for text area ${position}, saw ${sources.length}`);
  return source;
});
