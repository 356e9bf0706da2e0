import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the dev server serves the user's official MiniWob++ pages. */
export const OFFICIAL_URL_PREFIX = '/miniwob-official/';

export const OFFICIAL_LAYOUT_HELP =
  'Point the lab at the "html" folder of the official MiniWob++ repository (Farama Foundation, ' +
  'github.com/Farama-Foundation/miniwob-plusplus, folder miniwob/html). It must hold core/core.js and ' +
  'miniwob/<task>.html, e.g. miniwob/click-test.html.';

export type OfficialFolder =
  { ok: true; dir: string; tasks: string[] } | { ok: false; dir: string; error: string };

/** Checks a folder against the official layout and lists its tasks, or says what is wrong. */
export function inspectOfficialFolder(dirInput: string): OfficialFolder {
  const dir = resolve(dirInput);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return {
      ok: false,
      dir,
      error: `The official MiniWob++ folder "${dir}" does not exist. ${OFFICIAL_LAYOUT_HELP}`,
    };
  }
  const missing: string[] = [];
  if (!existsSync(join(dir, 'core', 'core.js'))) missing.push('core/core.js');
  const pages = join(dir, 'miniwob');
  const tasks = existsSync(pages)
    ? readdirSync(pages)
        .filter((f) => f.endsWith('.html'))
        .map((f) => f.slice(0, -'.html'.length))
        .sort()
    : [];
  if (tasks.length === 0) missing.push('miniwob/<task>.html');
  if (missing.length) {
    return {
      ok: false,
      dir,
      error: `"${dir}" is not an official MiniWob++ html folder: missing ${missing.join(' and ')}. ${OFFICIAL_LAYOUT_HELP}`,
    };
  }
  return { ok: true, dir, tasks };
}
