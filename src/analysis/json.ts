/**
 * summary.json as text, with a hyperparameter's values in rising order. JavaScript objects list
 * integer-like keys ("1", "64") before all others whatever order they were set in, so
 * JSON.stringify writes discount's values as "1", "0.5", "0.9": an object whose keys are all numbers
 * is written here with its keys sorted numerically instead. Other objects keep their order (false
 * before true, as the analysis sets them). The text parses back to the same value; a reader that
 * needs the order must sort again, since JSON.parse reorders the same way.
 */
export function orderedJson(value: unknown, indent = 0): string {
  return write(value, indent, '');
}

function write(value: unknown, indent: number, margin: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = margin + ' '.repeat(indent);
  const open = indent > 0 ? `\n${inner}` : '';
  const close = indent > 0 ? `\n${margin}` : '';
  const separator = indent > 0 ? `,\n${inner}` : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${open}${value.map((item) => write(item, indent, inner)).join(separator)}${close}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  if (entries.every(([key]) => key.trim() !== '' && Number.isFinite(Number(key))))
    entries.sort(([a], [b]) => Number(a) - Number(b));
  const colon = indent > 0 ? ': ' : ':';
  return `{${open}${entries.map(([key, item]) => `${JSON.stringify(key)}${colon}${write(item, indent, inner)}`).join(separator)}${close}}`;
}
