import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Plugin } from 'vite';
import { inspectOfficialFolder, OFFICIAL_URL_PREFIX, type OfficialFolder } from './official-folder.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/**
 * Serves the user's own copy of the official MiniWob++ pages beside the lab's tasks, from the folder
 * named by MINIWOB_DIR or set from the page (POST /__lab/official {"dir": ...}). Nothing of the
 * official suite is shipped with the lab.
 */
export function officialMiniwobPlugin(initialDir = process.env.MINIWOB_DIR): Plugin {
  let folder: OfficialFolder | null = initialDir ? inspectOfficialFolder(initialDir) : null;
  return {
    name: 'lab-official-miniwob',
    configureServer(server) {
      if (folder && !folder.ok) server.config.logger.warn(folder.error);
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://lab.local');
        if (url.pathname === '/__lab/official') {
          if (req.method === 'POST') {
            let body = '';
            req.on('data', (chunk: Buffer) => (body += chunk.toString()));
            req.on('end', () => {
              try {
                const { dir } = JSON.parse(body) as { dir?: string };
                folder = dir ? inspectOfficialFolder(dir) : null;
              } catch {
                folder = { ok: false, dir: '', error: 'Send JSON like {"dir": "/path/to/miniwob/html"}.' };
              }
              sendJson(res, folder);
            });
            return;
          }
          sendJson(res, folder);
          return;
        }
        if (!url.pathname.startsWith(OFFICIAL_URL_PREFIX)) return next();
        if (!folder?.ok) {
          res.statusCode = 404;
          res.end(folder?.error ?? 'No official MiniWob++ folder is set.');
          return;
        }
        const relative = normalize(decodeURIComponent(url.pathname.slice(OFFICIAL_URL_PREFIX.length)));
        const file = join(folder.dir, relative);
        if (
          relative.startsWith('..') ||
          !file.startsWith(folder.dir + sep) ||
          !existsSync(file) ||
          !statSync(file).isFile()
        ) {
          res.statusCode = 404;
          res.end(`Not found in the official folder: ${relative}`);
          return;
        }
        res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        createReadStream(file).pipe(res);
      });
    },
  };
}

function sendJson(res: import('node:http').ServerResponse, value: unknown): void {
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(value));
}
