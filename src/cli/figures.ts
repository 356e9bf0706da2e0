import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { HELD_OUT_SETS, type AnalysedRun, type AnalysisSummary } from '../analysis/types.ts';
import { resultsFigures } from '../report/figures.ts';
import { figureToSvgText } from '../report/svg.ts';

/**
 * The Results page's figures written as files, for `npm run lab -- analyze`: drawn on happy-dom, a
 * DOM for Node, by the same code the page uses. Returns the paths written, in order.
 */
export async function writeFigures(
  summary: AnalysisSummary,
  runs: readonly AnalysedRun[],
  dir: string,
): Promise<string[]> {
  const window = new Window();
  try {
    const document = window.document as unknown as Document;
    // The heat map does not depend on the held-out set: drawn for both, it is written once.
    const byName = new Map<string, SVGSVGElement>();
    for (const heldOut of HELD_OUT_SETS) {
      for (const figure of resultsFigures(summary, runs, heldOut, document)) {
        if (!byName.has(figure.name)) byName.set(figure.name, figure.svg);
      }
    }
    await mkdir(dir, { recursive: true });
    const written: string[] = [];
    for (const [name, svg] of byName) {
      const path = join(dir, `${name}.svg`);
      await writeFile(path, figureToSvgText(svg));
      written.push(path);
    }
    return written;
  } finally {
    await window.happyDOM.close();
  }
}
