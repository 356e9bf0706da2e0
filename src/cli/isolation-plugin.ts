import type { Connect, Plugin } from 'vite';

/**
 * Cross-origin isolation for every response the lab's server sends: the page's own files, the task
 * pages in its iframes, the bundled task page and the official MiniWob++ pages (whose middlewares
 * answer before Vite's own headers would be added). An isolated page has SharedArrayBuffer, so the
 * CPU engine's worker runs its kernels on every core (engine/cpu/runtime.ts); a nested page without
 * these headers would be blocked, which is why they go on everything, not on the page alone.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const isolate: Connect.NextHandleFunction = (_req, res, next) => {
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
  next();
};

export function crossOriginIsolationPlugin(): Plugin {
  return {
    name: 'lab-cross-origin-isolation',
    // Registered before the other plugins' middlewares (configureServer runs in plugin order, and
    // this plugin comes first), so that no response leaves without the headers.
    configureServer(server) {
      server.middlewares.use(isolate);
    },
    configurePreviewServer(server) {
      server.middlewares.use(isolate);
    },
  };
}
