import { existsSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM_ARGS } from '../../vite.config.ts';
import type { LabHarness } from '../harness/api.ts';
import { BUNDLED_TASK_PAGE, bundledTaskPagePlugin } from './bundled-task-page.ts';

/** The project root, where vite.config.ts and harness.html live. */
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HARNESS_READY_MS = 60_000;

/** The harness page open in headless Chromium, served by the project's own Vite dev server. */
export interface LabBrowser {
  page: Page;
  chromiumVersion: string;
  /** The page that built-in tasks load in (`?task=NAME` appended). */
  builtInPage: string;
  close(): Promise<void>;
}

export interface LabBrowserOptions {
  /** Serve this official MiniWob++ folder at /miniwob-official/ (already checked). */
  miniwobDir?: string;
  /** Progress lines the harness reports. */
  onProgress(line: string): void;
  /** Uncaught errors of the harness page itself. */
  onPageError(message: string): void;
  /**
   * Let Playwright close the browser and exit on Ctrl-C (the default). The run command says false:
   * it pauses the run on Ctrl-C and needs the browser until the checkpoint is saved.
   */
  handleSigint?: boolean;
  /**
   * Keep the browser's profile (its IndexedDB: runs, checkpoints) in this folder, served from a fixed
   * port so the page's origin, which IndexedDB is keyed by, is the same next time: a later command
   * can resume what this one stored. Without it the profile is fresh and goes with the browser.
   */
  profile?: { dir: string; port: number };
}

/**
 * Starts a Vite dev server from the project's vite.config.ts on a free port (with the built-in task
 * page bundled beside it), launches Debian's chromium headless with the lab's flags, and opens
 * harness.html, ready for page.evaluate calls.
 */
export async function openLabBrowser(options: LabBrowserOptions): Promise<LabBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install Debian's chromium (apt-get install chromium), set ` +
        'CHROMIUM_PATH to another build, or run the experts in Node with --dom node.',
    );
  }
  // The official-pages plugin in vite.config.ts reads the folder from MINIWOB_DIR when the config loads.
  if (options.miniwobDir) process.env.MINIWOB_DIR = options.miniwobDir;
  const port = options.profile?.port ?? (await freePort());
  const server = await createServer({
    configFile: `${PROJECT_ROOT}vite.config.ts`,
    root: PROJECT_ROOT,
    logLevel: 'warn',
    plugins: [await bundledTaskPagePlugin(PROJECT_ROOT)],
    server: {
      port,
      strictPort: true,
      host: '127.0.0.1',
      hmr: false,
      watch: null,
      open: false,
      // Nothing changes during a headless run, so the browser may keep each module instead of asking
      // Vite again: a task page imports ~85 of them, and an env pool loads many pages.
      headers: { 'Cache-Control': 'max-age=86400' },
    },
  });
  let context: BrowserContext | null = null;
  try {
    try {
      await server.listen();
    } catch (error) {
      if (options.profile === undefined) throw error;
      throw new Error(
        `Port ${port} is taken (${(error as Error).message}): browser-mode runs serve the lab there so ` +
          'their stored runs stay reachable. Is another browser-mode run going? Wait for it, or free the port.',
        { cause: error },
      );
    }
    const launch = {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      handleSIGINT: options.handleSigint ?? true,
    };
    const viewport = { width: 1400, height: 900 };
    context = options.profile
      ? await chromium.launchPersistentContext(options.profile.dir, { ...launch, viewport })
      : await (await chromium.launch(launch)).newContext({ viewport });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => options.onPageError(error.message));
    await page.exposeFunction('labProgress', (line: string) => options.onProgress(line));
    await page.goto(`http://127.0.0.1:${port}/harness.html`);
    await page.waitForFunction(() => window.lab !== undefined, null, { timeout: HARNESS_READY_MS });
    const opened = context;
    // A persistent context has no Browser object: read the version from the user agent.
    const userAgent = await page.evaluate(() => navigator.userAgent);
    const version = opened.browser()?.version() ?? /Chrome\/([\d.]+)/.exec(userAgent)?.[1] ?? userAgent;
    return {
      page,
      chromiumVersion: version,
      builtInPage: BUNDLED_TASK_PAGE,
      async close() {
        await opened.close();
        await opened.browser()?.close();
        await server.close();
      },
    };
  } catch (error) {
    await context?.close();
    await context?.browser()?.close();
    await server.close();
    throw error;
  }
}

/** Calls one harness function in the page. */
export function callHarness<K extends keyof LabHarness>(
  page: Page,
  name: K,
  ...args: Parameters<LabHarness[K]>
): Promise<Awaited<ReturnType<LabHarness[K]>>> {
  return page.evaluate(
    ([fn, fnArgs]) => {
      const lab = window.lab as unknown as Record<string, (...a: unknown[]) => unknown>;
      return lab[fn]!(...fnArgs);
    },
    [name, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<LabHarness[K]>>>;
}

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
