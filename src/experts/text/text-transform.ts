import type { ObsElement, ObsNode } from '../../env/observation.ts';
import { firstElement, need, taskArea } from '../find.ts';
import { formExpert } from './steps.ts';

/** The captcha's letters, each in its own element: joined without the spaces textOf puts between them. */
function captchaText(tree: ObsElement): string {
  const captcha = need(
    'text-transform',
    firstElement(taskArea(tree), (e) => e.attributes.id === 'captcha'),
    'the distorted text (#captcha)',
  );
  const letters = (node: ObsNode): string =>
    typeof node === 'string' ? node.replace(/\s+/g, '') : node.children.map(letters).join('');
  return letters(captcha);
}

export const textTransformExpert = formExpert('text-transform', {
  answers: (_utterance, tree) => [captchaText(tree)],
  spoil: ([text]) => [`${text}x`],
});
