import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { assignBids } from '../../src/env/bids.ts';
import { colorFamily, describeColor, parseColor } from '../../src/env/colors.ts';
import { observeTree, renderAxTree, renderHtml } from '../../src/env/observation.ts';

/** A page as a visual task draws it: colour boxes, an SVG grid of shapes, text with colour. */
function observe(css: string, body: string): { html: string; axtree: string } {
  const win = new Window();
  const doc = win.document as unknown as Document;
  doc.head.innerHTML = `<style>${css}</style>`;
  doc.body.innerHTML = body;
  assignBids(doc);
  const tree = observeTree(doc);
  if (!tree) throw new Error('no observation');
  const out = { html: renderHtml(tree), axtree: renderAxTree(tree) };
  void win.happyDOM.close();
  return out;
}

describe('colours as words', () => {
  it('parses names, hex, rgb() and hsl(), and skips what paints nothing', () => {
    expect(parseColor('olive')).toEqual({ r: 128, g: 128, b: 0 });
    expect(parseColor('#0F0')).toEqual({ r: 0, g: 255, b: 0 });
    expect(parseColor('rgb(255, 0, 0)')).toEqual({ r: 255, g: 0, b: 0 });
    expect(parseColor('hsl(240, 100%, 50%)')).toEqual({ r: 0, g: 0, b: 255 });
    expect(parseColor('rgba(0, 0, 0, 0)')).toBeNull();
    expect(parseColor('transparent')).toBeNull();
    expect(parseColor('not a colour')).toBeNull();
  });

  it('names an exact CSS colour, else gives hex and a hue word', () => {
    expect(describeColor({ r: 128, g: 128, b: 0 })).toBe('olive');
    expect(describeColor({ r: 0, g: 255, b: 255 })).toBe('aqua/cyan');
    expect(describeColor({ r: 200, g: 80, b: 80 })).toBe('#c85050 (shade of red)');
    expect(parseColor(describeColor({ r: 200, g: 80, b: 80 }))).toEqual({ r: 200, g: 80, b: 80 });
  });

  it('puts shades of one hue in one family', () => {
    for (const [hue, family] of [
      [0, 'red'],
      [120, 'green'],
      [240, 'blue'],
    ] as const) {
      for (const [s, l] of [
        [30, 30],
        [90, 90],
        [60, 50],
      ]) {
        expect(colorFamily(parseColor(`hsl(${hue}, ${s}%, ${l}%)`)!), `hsl(${hue}, ${s}%, ${l}%)`).toBe(
          family,
        );
      }
    }
  });
});

describe('the observation of a visual page', () => {
  const css = '.box { background-color: olive; } #query { background: yellow; }';
  const body =
    '<div id="query">Click on the olive box.</div>' +
    '<div class="box"></div><span style="background-color: hsl(120, 50%, 40%)"></span>' +
    '<button>Submit</button>' +
    '<svg><circle cx="10" cy="10" r="5" fill="red"></circle>' +
    '<rect x="0" y="0" width="8" height="8" style="fill: blue"></rect>' +
    '<polygon points="0,10 5,0 10,10" fill="aqua"></polygon>' +
    '<text x="3" y="4" font-size="20px" fill="magenta">Q</text></svg>';

  it('gives swatch colours as words in both formats, and leaves text elements alone', () => {
    const { html, axtree } = observe(css, body);
    expect(html).toContain('class="box" background="olive"');
    expect(html).toContain('background="#339933 (shade of green)"');
    expect(axtree).toContain('generic class="box" background="olive"');
    // The query box and the button carry text: their background is decoration, not an answer.
    expect(html).not.toMatch(/id="query"[^>]*background/);
    expect(html).not.toMatch(/<button[^>]*background/);
  });

  it('gives SVG shapes with their kind, colour and geometry in both formats', () => {
    const { html, axtree } = observe(css, body);
    expect(html).toContain('<circle bid="7" shape="circle" fill="red" cx="10" cy="10" r="5">');
    expect(html).toMatch(/<rect [^>]*shape="rectangle" fill="blue"/);
    expect(html).toMatch(/<polygon [^>]*shape="triangle" fill="aqua\/cyan"/);
    expect(html).toMatch(/<text [^>]*fill="fuchsia\/magenta" x="3" y="4" font-size="20px">Q<\/text>/);
    expect(axtree).toMatch(/\[7\] generic shape="circle" fill="red"/);
    expect(axtree).toMatch(/generic "Q" fill="fuchsia\/magenta"/);
  });
});
