import { build, type Plugin } from 'vite';

/** Where a headless run serves the built-in task page, bundled. */
const BUNDLE_BASE = '/__lab/bundled/';
export const BUNDLED_TASK_PAGE = `${BUNDLE_BASE}task.html`;

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * Builds task.html once, in memory, as `vite build` would (one script), and returns a plugin that
 * serves it at BUNDLED_TASK_PAGE. The dev server's task.html imports ~85 modules, and an env pool
 * loads a task page for every slot and task: bundled, a load costs about half as much.
 */
export async function bundledTaskPagePlugin(root: string): Promise<Plugin> {
  const result = await build({
    configFile: false,
    root,
    base: BUNDLE_BASE,
    logLevel: 'warn',
    build: {
      write: false,
      target: 'es2022',
      minify: false,
      modulePreload: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      rollupOptions: { input: 'task.html' },
    },
  });
  const files = new Map<string, string | Uint8Array>();
  for (const output of Array.isArray(result) ? result : [result]) {
    if (!('output' in output)) throw new Error('Building the task page gave no output.');
    for (const item of output.output)
      files.set(item.fileName, item.type === 'chunk' ? item.code : item.source);
  }
  return {
    name: 'lab-bundled-task-page',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = new URL(req.url ?? '/', 'http://lab.local').pathname;
        if (!path.startsWith(BUNDLE_BASE)) return next();
        const file = files.get(path.slice(BUNDLE_BASE.length));
        if (file === undefined) {
          res.statusCode = 404;
          res.end(`Not part of the bundled task page: ${path}`);
          return;
        }
        res.setHeader('Content-Type', TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream');
        res.setHeader('Cache-Control', 'max-age=86400');
        res.end(file);
      });
    },
  };
}
