/**
 * compareCodePoints (src/strings.ts): Python's `str` order, which sort, the CIFAR batch order and
 * the ImageNet path order rely on. Python compares code points; a lone surrogate is its own code
 * point. The reference below spells that out (Array.from splits a string into code points, lone
 * surrogates included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints } from '../src/strings.js';

function reference(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

// Units that make the cases: ASCII, U+E000-FFFF (above the surrogates), high and low surrogates (paired or lone).
const unit = fc.constantFrom(0x41, 0x61, 0xe000, 0xfffd, 0xffff, 0xd800, 0xd83d, 0xdbff, 0xdc00, 0xde00, 0xdfff);
// spread-ok: at most 6 units
const text = fc.array(unit, { maxLength: 6 }).map((units) => String.fromCharCode(...units));

describe('compareCodePoints', () => {
  it('orders as Python: U+10000 and above after U+E000-FFFF, shorter prefixes first', () => {
    expect(['\u{1F600}', '\uFFFD', 'a', '', 'ab'].sort(compareCodePoints)).toEqual(['', 'a', 'ab', '\uFFFD', '\u{1F600}']);
    expect(compareCodePoints('x', 'x')).toBe(0);
    // A lone high surrogate (U+D83D) is below U+E000; the pair U+1F600 is above.
    expect(Math.sign(compareCodePoints('\uD83D', '\uE000'))).toBe(-1);
    expect(Math.sign(compareCodePoints('\uD83D\uDE00', '\uE000'))).toBe(1);
    // Both start with the same high surrogate: one lone (then 'A'), one paired.
    expect(Math.sign(compareCodePoints('\uD83DA', '\uD83D\uDE00'))).toBe(-1);
    expect(Math.sign(compareCodePoints('\uD83D\uD83D\uDE00', '\uD83D\uDE00'))).toBe(-1);
  });

  it('has the sign of the code-point reference for any strings, surrogates paired or lone', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(reference(a, b)));
      }),
      { numRuns: 20_000, seed: 15 },
    );
  });
});
