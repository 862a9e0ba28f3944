/**
 * A small bitmap font for labelling images (the preview mosaic), drawn straight into RGB pixels:
 * no font files, no canvas, so it works the same in Node, Deno and browsers.
 *
 * The glyphs were designed for cifarkit (this file is their source; they are under the project's
 * licence and copy no existing font's data). Each glyph is 5 columns x 8 rows: capitals and
 * digits use rows 0-6, lowercase letters rows 2-6, and row 7 holds descenders (g j p q y , _).
 * Text advances 6 columns per character (one empty column between glyphs).
 *
 * Coverage: printable ASCII (U+0020..U+007E) and the ellipsis U+2026 (for clipped names).
 * Every other code point (Cyrillic, CJK, emoji, control characters) is drawn as a placeholder:
 * a hollow 5x7 box, one per code point (so 'кошка' shows as five boxes).
 */

/** Glyph width in pixels (at scale 1). */
export const GLYPH_WIDTH = 5;
/** Glyph height in pixels (at scale 1), descender row included. */
export const GLYPH_HEIGHT = 8;
/** Horizontal distance from one glyph to the next (at scale 1). */
export const GLYPH_ADVANCE = 6;

const FIRST = 0x20;
const LAST = 0x7e;
const ELLIPSIS = 0x2026;

/*
 * One glyph per entry: 8 rows, top first, two hex digits each; bit 4 (0x10) is the left column,
 * bit 0 the right one. Order: U+0020..U+007E, then U+2026, then the placeholder box.
 * E.g. 'A' = 0e 11 11 1f 11 11 11 00:
 *   .###.  #...#  #...#  #####  #...#  #...#  #...#  .....
 */
const GLYPHS: readonly string[] = [
  '0000000000000000', // space
  '0404040404000400', // !
  '0a0a0a0000000000', // "
  '0a0a1f0a1f0a0a00', // #
  '040f140e051e0400', // $
  '1819020408130300', // %
  '0c12140815120d00', // &
  '0404080000000000', // '
  '0204080808040200', // (
  '0804020202040800', // )
  '0004150e15040000', // *
  '0004041f04040000', // +
  '00000000000c0408', // ,
  '0000001f00000000', // -
  '00000000000c0c00', // .
  '0101020408101000', // /
  '0e11131519110e00', // 0
  '040c040404040e00', // 1
  '0e11010204081f00', // 2
  '1f02040201110e00', // 3
  '02060a121f020200', // 4
  '1f101e0101110e00', // 5
  '0608101e11110e00', // 6
  '1f01020408080800', // 7
  '0e11110e11110e00', // 8
  '0e11110f01020c00', // 9
  '000c0c000c0c0000', // :
  '000c0c000c040800', // ;
  '0204081008040200', // <
  '00001f001f000000', // =
  '0804020102040800', // >
  '0e11010204000400', // ?
  '0e11010d15150e00', // @
  '0e11111f11111100', // A
  '1e11111e11111e00', // B
  '0e11101010110e00', // C
  '1c12111111121c00', // D
  '1f10101e10101f00', // E
  '1f10101e10101000', // F
  '0e11101711110f00', // G
  '1111111f11111100', // H
  '0e04040404040e00', // I
  '0702020202120c00', // J
  '1112141814121100', // K
  '1010101010101f00', // L
  '111b151511111100', // M
  '1111191513111100', // N
  '0e11111111110e00', // O
  '1e11111e10101000', // P
  '0e11111115120d00', // Q
  '1e11111e14121100', // R
  '0f10100e01011e00', // S
  '1f04040404040400', // T
  '1111111111110e00', // U
  '11111111110a0400', // V
  '1111111515150a00', // W
  '11110a040a111100', // X
  '11110a0404040400', // Y
  '1f01020408101f00', // Z
  '0e08080808080e00', // [
  '1010080402010100', // \
  '0e02020202020e00', // ]
  '040a110000000000', // ^
  '000000000000001f', // _
  '0804000000000000', // `
  '00000e010f110f00', // a
  '1010161911111e00', // b
  '00000e1010110e00', // c
  '01010d1311110f00', // d
  '00000e111f100e00', // e
  '0609081c08080800', // f
  '00000f11110f010e', // g
  '1010161911111100', // h
  '04000c0404040e00', // i
  '020006020202120c', // j
  '1010121418141200', // k
  '0c04040404040e00', // l
  '00001a1515111100', // m
  '0000161911111100', // n
  '00000e1111110e00', // o
  '00001e11111e1010', // p
  '00000f11110f0101', // q
  '0000161910101000', // r
  '00000f100e011e00', // s
  '08081c0808090600', // t
  '0000111111130d00', // u
  '00001111110a0400', // v
  '0000111115150a00', // w
  '0000110a040a1100', // x
  '00001111110f010e', // y
  '00001f0204081f00', // z
  '0204040804040200', // {
  '0404040404040400', // |
  '0804040204040800', // }
  '0000081502000000', // ~
  '0000000000001500', // U+2026 …
  '1f11111111111f00', // placeholder
];

/** All glyph rows, decoded once: glyph g's row r is ROWS[g * GLYPH_HEIGHT + r]. */
const ROWS = Uint8Array.from(GLYPHS.join('').match(/../g)!, (h) => parseInt(h, 16));
const ELLIPSIS_INDEX = LAST - FIRST + 1;
const PLACEHOLDER_INDEX = LAST - FIRST + 2;

function glyphIndex(codePoint: number): number {
  if (codePoint >= FIRST && codePoint <= LAST) return codePoint - FIRST;
  if (codePoint === ELLIPSIS) return ELLIPSIS_INDEX;
  return PLACEHOLDER_INDEX;
}

/** Whether the font has a glyph of its own for this code point (else it draws the placeholder). */
export function hasGlyph(codePoint: number): boolean {
  return glyphIndex(codePoint) !== PLACEHOLDER_INDEX;
}

/**
 * The GLYPH_HEIGHT row masks of a code point's glyph (bit 4 = left column), a view into the
 * table: do not modify. Code points the font lacks give the placeholder box.
 */
export function glyphRows(codePoint: number): Uint8Array {
  const at = glyphIndex(codePoint) * GLYPH_HEIGHT;
  return ROWS.subarray(at, at + GLYPH_HEIGHT);
}

/** The width in pixels of `text` drawn at `scale` (code points, without trailing spacing). */
export function textWidth(text: string, scale = 1): number {
  let n = 0;
  for (const _ of text) n++;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - (GLYPH_ADVANCE - GLYPH_WIDTH)) * scale;
}

/** An RGB (HWC, 3 bytes a pixel) pixel buffer to draw into. */
export interface RgbCanvas {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Draws `text` with its top-left corner at (x, y), each font pixel a `scale` x `scale` block of
 * `color`. Only ink is drawn (the background shows through); pixels outside the canvas are
 * skipped.
 */
export function drawText(canvas: RgbCanvas, x: number, y: number, text: string, scale: number, color: readonly [number, number, number]): void {
  const { data, width, height } = canvas;
  const [r, g, b] = color;
  let gx = x;
  for (const ch of text) {
    const rows = glyphRows(ch.codePointAt(0)!);
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      const mask = rows[row]!;
      if (mask === 0) continue;
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (!(mask & (0x10 >> col))) continue;
        const x0 = gx + col * scale;
        const y0 = y + row * scale;
        for (let py = Math.max(0, y0); py < Math.min(height, y0 + scale); py++) {
          for (let px = Math.max(0, x0); px < Math.min(width, x0 + scale); px++) {
            const at = (py * width + px) * 3;
            data[at] = r;
            data[at + 1] = g;
            data[at + 2] = b;
          }
        }
      }
    }
    gx += GLYPH_ADVANCE * scale;
  }
}
