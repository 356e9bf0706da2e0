/**
 * Colours as a text model can read them: CSS colour text (names, #hex, rgb(), hsl()) parsed to RGB,
 * and RGB written back as a CSS name where one matches exactly, else as hex with a hue word
 * ("#c85050 (shade of red)"), so "shades of red" and "the olive box" are answerable from text.
 */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** The CSS named colours (CSS Color Module Level 4), as six hex digits each. */
const NAMED_HEX: Record<string, string> = {
  aliceblue: 'f0f8ff',
  antiquewhite: 'faebd7',
  aqua: '00ffff',
  aquamarine: '7fffd4',
  azure: 'f0ffff',
  beige: 'f5f5dc',
  bisque: 'ffe4c4',
  black: '000000',
  blanchedalmond: 'ffebcd',
  blue: '0000ff',
  blueviolet: '8a2be2',
  brown: 'a52a2a',
  burlywood: 'deb887',
  cadetblue: '5f9ea0',
  chartreuse: '7fff00',
  chocolate: 'd2691e',
  coral: 'ff7f50',
  cornflowerblue: '6495ed',
  cornsilk: 'fff8dc',
  crimson: 'dc143c',
  cyan: '00ffff',
  darkblue: '00008b',
  darkcyan: '008b8b',
  darkgoldenrod: 'b8860b',
  darkgray: 'a9a9a9',
  darkgreen: '006400',
  darkgrey: 'a9a9a9',
  darkkhaki: 'bdb76b',
  darkmagenta: '8b008b',
  darkolivegreen: '556b2f',
  darkorange: 'ff8c00',
  darkorchid: '9932cc',
  darkred: '8b0000',
  darksalmon: 'e9967a',
  darkseagreen: '8fbc8f',
  darkslateblue: '483d8b',
  darkslategray: '2f4f4f',
  darkslategrey: '2f4f4f',
  darkturquoise: '00ced1',
  darkviolet: '9400d3',
  deeppink: 'ff1493',
  deepskyblue: '00bfff',
  dimgray: '696969',
  dimgrey: '696969',
  dodgerblue: '1e90ff',
  firebrick: 'b22222',
  floralwhite: 'fffaf0',
  forestgreen: '228b22',
  fuchsia: 'ff00ff',
  gainsboro: 'dcdcdc',
  ghostwhite: 'f8f8ff',
  gold: 'ffd700',
  goldenrod: 'daa520',
  gray: '808080',
  green: '008000',
  greenyellow: 'adff2f',
  grey: '808080',
  honeydew: 'f0fff0',
  hotpink: 'ff69b4',
  indianred: 'cd5c5c',
  indigo: '4b0082',
  ivory: 'fffff0',
  khaki: 'f0e68c',
  lavender: 'e6e6fa',
  lavenderblush: 'fff0f5',
  lawngreen: '7cfc00',
  lemonchiffon: 'fffacd',
  lightblue: 'add8e6',
  lightcoral: 'f08080',
  lightcyan: 'e0ffff',
  lightgoldenrodyellow: 'fafad2',
  lightgray: 'd3d3d3',
  lightgreen: '90ee90',
  lightgrey: 'd3d3d3',
  lightpink: 'ffb6c1',
  lightsalmon: 'ffa07a',
  lightseagreen: '20b2aa',
  lightskyblue: '87cefa',
  lightslategray: '778899',
  lightslategrey: '778899',
  lightsteelblue: 'b0c4de',
  lightyellow: 'ffffe0',
  lime: '00ff00',
  limegreen: '32cd32',
  linen: 'faf0e6',
  magenta: 'ff00ff',
  maroon: '800000',
  mediumaquamarine: '66cdaa',
  mediumblue: '0000cd',
  mediumorchid: 'ba55d3',
  mediumpurple: '9370db',
  mediumseagreen: '3cb371',
  mediumslateblue: '7b68ee',
  mediumspringgreen: '00fa9a',
  mediumturquoise: '48d1cc',
  mediumvioletred: 'c71585',
  midnightblue: '191970',
  mintcream: 'f5fffa',
  mistyrose: 'ffe4e1',
  moccasin: 'ffe4b5',
  navajowhite: 'ffdead',
  navy: '000080',
  oldlace: 'fdf5e6',
  olive: '808000',
  olivedrab: '6b8e23',
  orange: 'ffa500',
  orangered: 'ff4500',
  orchid: 'da70d6',
  palegoldenrod: 'eee8aa',
  palegreen: '98fb98',
  paleturquoise: 'afeeee',
  palevioletred: 'db7093',
  papayawhip: 'ffefd5',
  peachpuff: 'ffdab9',
  peru: 'cd853f',
  pink: 'ffc0cb',
  plum: 'dda0dd',
  powderblue: 'b0e0e6',
  purple: '800080',
  rebeccapurple: '663399',
  red: 'ff0000',
  rosybrown: 'bc8f8f',
  royalblue: '4169e1',
  saddlebrown: '8b4513',
  salmon: 'fa8072',
  sandybrown: 'f4a460',
  seagreen: '2e8b57',
  seashell: 'fff5ee',
  sienna: 'a0522d',
  silver: 'c0c0c0',
  skyblue: '87ceeb',
  slateblue: '6a5acd',
  slategray: '708090',
  slategrey: '708090',
  snow: 'fffafa',
  springgreen: '00ff7f',
  steelblue: '4682b4',
  tan: 'd2b48c',
  teal: '008080',
  thistle: 'd8bfd8',
  tomato: 'ff6347',
  turquoise: '40e0d0',
  violet: 'ee82ee',
  wheat: 'f5deb3',
  white: 'ffffff',
  whitesmoke: 'f5f5f5',
  yellow: 'ffff00',
  yellowgreen: '9acd32',
};

export const COLOR_NAMES: readonly string[] = Object.keys(NAMED_HEX);

/** Every name of an RGB value ("aqua/cyan" share one), keyed by hex. */
const NAMES_BY_HEX = new Map<string, string[]>();
for (const [name, hex] of Object.entries(NAMED_HEX)) {
  NAMES_BY_HEX.set(hex, [...(NAMES_BY_HEX.get(hex) ?? []), name]);
}

const clampByte = (value: number): number => Math.max(0, Math.min(255, Math.round(value)));

function fromHex(hex: string): Rgb | null {
  const digits = hex.length === 3 || hex.length === 4 ? [...hex.slice(0, 3)].map((c) => c + c).join('') : hex;
  if (!/^[0-9a-f]{6}([0-9a-f]{2})?$/.test(digits)) return null;
  return {
    r: parseInt(digits.slice(0, 2), 16),
    g: parseInt(digits.slice(2, 4), 16),
    b: parseInt(digits.slice(4, 6), 16),
  };
}

function fromHsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): number => {
    const k = (n + h / 30) % 12;
    return clampByte(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return { r: channel(0), g: channel(8), b: channel(4) };
}

/** Numbers of a functional notation, commas or spaces, percentages kept as written. */
function numbersOf(args: string): string[] {
  return args.split(/[\s,/]+/).filter(Boolean);
}

/**
 * Parses CSS colour text, and the words `describeColor` writes. Null for anything that is not a
 * colour, and for fully transparent ones (nothing is painted).
 */
export function parseColor(text: string): Rgb | null {
  const value = text.trim().toLowerCase();
  const word = /^([a-z]+)(\/[a-z]+)*$/.exec(value);
  if (word)
    return NAMED_HEX[word[1] as string] !== undefined
      ? fromHex(NAMED_HEX[word[1] as string] as string)
      : null;
  const hex = /^#?([0-9a-f]{3,8})(\s*\(.*\))?$/.exec(value);
  if (hex && value.startsWith('#')) return fromHex(hex[1] as string);
  const fn = /^(rgba?|hsla?)\((.*)\)$/.exec(value);
  if (!fn) return hex ? fromHex(hex[1] as string) : null;
  const parts = numbersOf(fn[2] as string);
  if (parts.length < 3) return null;
  const alpha = parts[3] === undefined ? 1 : parseFloat(parts[3]) / (parts[3].endsWith('%') ? 100 : 1);
  if (alpha === 0) return null;
  if ((fn[1] as string).startsWith('rgb')) {
    const [r, g, b] = parts.map((p) => (p.endsWith('%') ? (parseFloat(p) * 255) / 100 : parseFloat(p)));
    return { r: clampByte(r as number), g: clampByte(g as number), b: clampByte(b as number) };
  }
  const [h, s, l] = parts.map((p) => parseFloat(p));
  return fromHsl((((h as number) % 360) + 360) % 360, (s as number) / 100, (l as number) / 100);
}

export function toHex({ r, g, b }: Rgb): string {
  return [r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('');
}

/** Hue in degrees [0, 360), saturation and lightness in [0, 1] (HSL). */
export function toHsl({ r, g, b }: Rgb): { h: number; s: number; l: number } {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255];
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === rn ? ((gn - bn) / d) % 6 : max === gn ? (bn - rn) / d + 2 : (rn - gn) / d + 4;
  return { h: (h * 60 + 360) % 360, s, l };
}

/** Hue families by the upper bound of their range in degrees, red wrapping round 360. */
const HUE_FAMILIES: readonly [number, string][] = [
  [15, 'red'],
  [45, 'orange'],
  [70, 'yellow'],
  [165, 'green'],
  [195, 'cyan'],
  [255, 'blue'],
  [290, 'purple'],
  [345, 'magenta'],
  [360, 'red'],
];

/** A coarse colour word: the hue family, or black, white or gray for colours with little hue. */
export function colorFamily(rgb: Rgb): string {
  const { h, s, l } = toHsl(rgb);
  if (l < 0.12) return 'black';
  if (l > 0.94) return 'white';
  if (s < 0.12) return 'gray';
  return (HUE_FAMILIES.find(([limit]) => h < limit) as [number, string])[1];
}

/** "olive", "aqua/cyan", or "#c85050 (shade of red)". */
export function describeColor(rgb: Rgb): string {
  const hex = toHex(rgb);
  const names = NAMES_BY_HEX.get(hex);
  return names ? names.join('/') : `#${hex} (shade of ${colorFamily(rgb)})`;
}

export function sameColor(a: Rgb, b: Rgb): boolean {
  return a.r === b.r && a.g === b.g && a.b === b.b;
}
