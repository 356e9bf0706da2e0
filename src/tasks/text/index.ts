import type { RegisteredTask } from '../core/task.ts';
import { enterDate } from './enter-date.ts';
import { enterPassword } from './enter-password.ts';
import { enterText2 } from './enter-text-2.ts';
import { enterText, enterTextDynamic } from './enter-text.ts';
import { enterTime } from './enter-time.ts';
import { findWord } from './find-word.ts';
import { focusText2 } from './focus-text-2.ts';
import { focusText } from './focus-text.ts';
import { loginUserPopup } from './login-user-popup.ts';
import { loginUser } from './login-user.ts';
import { textTransform } from './text-transform.ts';
import { textEditor } from './text-editor.ts';
import { unicodeTest } from './unicode-test.ts';

export const textTasks: RegisteredTask[] = [
  focusText,
  focusText2,
  enterText,
  enterText2,
  enterTextDynamic,
  enterPassword,
  enterDate,
  enterTime,
  loginUser,
  loginUserPopup,
  textTransform,
  unicodeTest,
  findWord,
  textEditor,
];
