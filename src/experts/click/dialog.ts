import type { ObsElement } from '../../env/observation.ts';
import { allElements, byRole, firstElement, need, textOf } from '../find.ts';

/** The buttons of the dialog box. */
export function dialogButtons(task: string, tree: ObsElement): ObsElement[] {
  const dialog = need(task, firstElement(tree, byRole('dialog')), 'a dialog box');
  return allElements(dialog, byRole('button'));
}

/** The label an instruction uses: jQuery UI's close button reads "Close" but shows an "x". */
export function buttonLabel(button: ObsElement): string {
  const isClose =
    (button.attributes.class ?? '').includes('titlebar-close') || button.attributes.title === 'Close';
  return isClose ? 'x' : textOf(button);
}
