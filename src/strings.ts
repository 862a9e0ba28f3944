/** String helpers shared by every layer (no imports). */

/**
 * Compares strings as Python compares `str`: by Unicode code points, not UTF-16 units (JavaScript's
 * `<` puts U+10000 and above, which are surrogate pairs, before U+E000-FFFF). A lone surrogate
 * counts as its own code point, as in Python. Returns a negative number, 0 or a positive number.
 *
 * For example `['\u{1F600}', '\uFFFD'].sort(compareCodePoints)` gives `['\uFFFD', '\u{1F600}']`
 * (the default sort gives the reverse).
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  // The first differing unit may be the low half of a pair whose high half both strings share.
  const start = i > 0 && isHighSurrogate(a.charCodeAt(i - 1)) ? i - 1 : i;
  const d = a.codePointAt(start)! - b.codePointAt(start)!;
  // Equal only when both high halves at `start` are lone: the difference is the next code point.
  return d !== 0 ? d : a.codePointAt(i)! - b.codePointAt(i)!;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
