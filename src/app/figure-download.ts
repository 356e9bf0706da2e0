import { figureToSvgText } from '../report/svg.ts';

/**
 * A Results figure saved as a file: the SVG as drawn, or a PNG painted from that SVG on a canvas
 * (at twice its size, so it stays sharp on a slide), white behind it as the page shows it.
 */

const PNG_SCALE = 2;

export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The click has started the download; the URL can go once the event loop turns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function svgBlob(svg: SVGSVGElement): Blob {
  return new Blob([figureToSvgText(svg)], { type: 'image/svg+xml' });
}

/** The figure painted on a canvas, as PNG. */
export async function pngBlob(svg: SVGSVGElement): Promise<Blob> {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  if (!(width > 0 && height > 0))
    throw new Error('The figure has no size to paint: redraw the page and try again.');
  const url = URL.createObjectURL(svgBlob(svg));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * PNG_SCALE);
    canvas.height = Math.round(height * PNG_SCALE);
    const context = canvas.getContext('2d');
    if (!context)
      throw new Error('This browser gave no 2D canvas to paint the PNG on: download the SVG instead.');
    context.fillStyle = 'white';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) =>
          blob ? resolve(blob) : reject(new Error('The canvas made no PNG: download the SVG instead.')),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
