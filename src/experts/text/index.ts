import type { Expert } from '../expert.ts';
import { enterDateExpert } from './enter-date.ts';
import { enterPasswordExpert } from './enter-password.ts';
import { enterText2Expert } from './enter-text-2.ts';
import { enterTextDynamicExpert, enterTextExpert } from './enter-text.ts';
import { enterTimeExpert } from './enter-time.ts';
import { findWordExpert } from './find-word.ts';
import { focusText2Expert } from './focus-text-2.ts';
import { focusTextExpert } from './focus-text.ts';
import { loginUserPopupExpert } from './login-user-popup.ts';
import { loginUserExpert } from './login-user.ts';
import { textTransformExpert } from './text-transform.ts';
import { textEditorExpert } from './text-editor.ts';
import { unicodeTestExpert } from './unicode-test.ts';

export const textExperts: Expert[] = [
  focusTextExpert,
  focusText2Expert,
  enterTextExpert,
  enterText2Expert,
  enterTextDynamicExpert,
  enterPasswordExpert,
  enterDateExpert,
  enterTimeExpert,
  loginUserExpert,
  loginUserPopupExpert,
  textTransformExpert,
  unicodeTestExpert,
  findWordExpert,
  textEditorExpert,
];
