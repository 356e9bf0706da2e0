import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The folders' arrows point one way (DESIGN.md): no top-level folder of src/ (nor workers/) imports
 * a folder that imports it back, directly or around a longer loop. Type-only imports count: a type
 * is a dependency too.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE_FOLDERS = ['src', 'workers'];

/** Relative specifiers of every import, export-from, dynamic import and worker URL in a file. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g,
    /import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
    /new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]!);
  return found;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(entry.name) ? [path] : [];
  });
}

/** src/<name> for files under src/, else the top folder itself (workers). */
function unitOf(path: string): string | null {
  const parts = relative(ROOT, path).split(sep);
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : null;
  return SOURCE_FOLDERS.includes(parts[0]!) ? parts[0]! : null;
}

/** Folder -> the folders it imports, each with one file import that shows it. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of SOURCE_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))) {
    const from = unitOf(file);
    if (from === null) continue;
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      const to = unitOf(resolve(dirname(file), specifier));
      if (to === null || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${relative(ROOT, file)} imports ${specifier}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan). */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph between top-level folders', () => {
  it('has no cycle', () => {
    const graph = folderGraph();
    expect(graph.size).toBeGreaterThan(8);
    const report = cycles(graph).map((component) =>
      component
        .flatMap((from) =>
          [...(graph.get(from) ?? new Map<string, string>())]
            .filter(([to]) => component.includes(to))
            .map(([to, why]) => `${from} -> ${to} (${why})`),
        )
        .join('\n'),
    );
    expect(report, report.join('\n\n')).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['src/a', new Map([['src/b', 'a.ts imports ../b/b.ts']])],
      ['src/b', new Map([['src/c', 'b.ts imports ../c/c.ts']])],
      ['src/c', new Map([['src/a', 'c.ts imports ../a/a.ts']])],
      ['src/d', new Map([['src/a', 'd.ts imports ../a/a.ts']])],
    ]);
    expect(cycles(graph)).toEqual([['src/a', 'src/b', 'src/c']]);
  });
});
