/**
 * Screenshots a page of the lab in headless Chromium, optionally after a few interactions:
 *
 *   npx tsx scripts/screenshot.ts URL OUT.png [STEP...]
 *
 * Steps run in order: `click:TEXT` (a button or element by its text), `fill:LABEL=VALUE` (a field by
 * its accessible label), `select:LABEL=VALUE`, `press:KEY` (on the focused element), `wait:MS`, `waitfor:TEXT`.
 * The window is 1440x960 unless SCREENSHOT_SIZE says otherwise (e.g. SCREENSHOT_SIZE=1280x800).
 * Example: npx tsx scripts/screenshot.ts http://localhost:5199/ shot.png "click:click-button" "click:Expert step"
 */
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../vite.config.ts';

async function runStep(page: Page, step: string): Promise<void> {
  const colon = step.indexOf(':');
  const [verb, arg] = [step.slice(0, colon), step.slice(colon + 1)];
  switch (verb) {
    case 'click': {
      const button = page.getByRole('button', { name: arg, exact: true });
      await ((await button.count()) ? button.first() : page.getByText(arg, { exact: true }).first()).click();
      return;
    }
    case 'fill': {
      const [label = '', value = ''] = arg.split(/=(.*)/s);
      await page.getByLabel(label, { exact: true }).fill(value);
      return;
    }
    case 'select': {
      const [label = '', value = ''] = arg.split(/=(.*)/s);
      await page.getByLabel(label, { exact: true }).selectOption(value);
      return;
    }
    case 'press':
      await page.keyboard.press(arg);
      return;
    case 'wait':
      await page.waitForTimeout(Number(arg));
      return;
    case 'waitfor':
      await page.getByText(arg).first().waitFor();
      return;
    default:
      throw new Error(`Unknown step "${step}": use click:, fill:, press:, wait: or waitfor:.`);
  }
}

const [url, out, ...steps] = process.argv.slice(2);
if (!url || !out) {
  console.error(
    'Usage: npx tsx scripts/screenshot.ts URL OUT.png [click:TEXT | fill:LABEL=VALUE | select:LABEL=VALUE | press:KEY | wait:MS | waitfor:TEXT]...',
  );
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});
try {
  const [width = 1440, height = 960] = (process.env.SCREENSHOT_SIZE ?? '')
    .split('x')
    .map(Number)
    .filter(Boolean);
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(url, { waitUntil: 'networkidle' });
  for (const step of steps) await runStep(page, step);
  await page.waitForTimeout(300);
  // A full-page shot of a scrolled page draws the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: out, fullPage: true });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
}
