/** One past the end of the first stop sequence in `tokens`, or -1. Shared by the GPU and CPU decoders. */
export function stopIndex(tokens: Int32Array, stops: readonly (readonly number[])[]): number {
  for (let end = 1; end <= tokens.length; end++) {
    for (const stop of stops) {
      if (end < stop.length) continue;
      let match = true;
      for (let i = 0; i < stop.length && match; i++) match = tokens[end - stop.length + i] === stop[i];
      if (match) return end;
    }
  }
  return -1;
}
