import { describe, expect, it } from 'vitest';
import { Dataset, DatasetItem, Image, Label, LabelCategories, renderMosaic, type MosaicLayout } from '../../src/api.js';
import { decodeImage, encodeImage } from '../../src/image/codecs.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows, hasGlyph, textWidth } from '../../src/preview/font.js';
import { MOSAIC_BACKGROUND, MOSAIC_TEXT_COLOR } from '../../src/preview/mosaic.js';
import { expectCifarkitError } from '../helpers.js';

const BG = [...MOSAIC_BACKGROUND];
const INK = [...MOSAIC_TEXT_COLOR];
const BOX = [0x1f, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1f, 0x00];

function solid(height: number, width: number, rgb: number[]): Image {
  return new Image(Uint8Array.from({ length: height * width * rgb.length }, (_, i) => rgb[i % rgb.length]!), height, width, rgb.length);
}

function item(id: string, subset: string, labels: number[], media: Image | null): DatasetItem {
  return new DatasetItem({ id, subset, media, annotations: labels.map((l) => new Label(l)) });
}

/** 3 labels (one with a parent), images of two sizes, a grayscale one, an unlabelled one, one without media. */
function smallDataset(): Dataset {
  return Dataset.fromIterable(
    [
      item('c1', 'train', [0], solid(4, 4, [200, 10, 10])),
      item('d0', 'train', [1], null),
      item('c2', 'train', [0], solid(2, 3, [10, 200, 10])),
      item('d1', 'train', [1], solid(4, 4, [77])),
      item('m1', 'test', [2], solid(2, 3, [10, 10, 200])),
      item('u1', 'test', [], solid(4, 4, [250, 250, 0])),
    ],
    { labels: LabelCategories.fromIterable(['cat', 'dog', ['maple_tree', 'trees']]) },
  );
}

function pixel(image: Image, x: number, y: number): number[] {
  const at = (y * image.width + x) * 3;
  return [...image.data.subarray(at, at + 3)];
}

function sourcePixel(image: Image, x: number, y: number): number[] {
  const at = (y * image.width + x) * image.channels;
  return image.channels === 1 ? [image.data[at]!, image.data[at]!, image.data[at]!] : [...image.data.subarray(at, at + 3)];
}

/** Every text box holds exactly its glyphs' ink (checked against the font table), background elsewhere. */
function expectText(image: Image, layout: MosaicLayout): void {
  const ts = layout.textScale;
  for (const row of layout.rows) {
    const { x, y, shown } = row.text;
    [...shown].forEach((ch, i) => {
      const rows = glyphRows(ch.codePointAt(0)!);
      for (let gy = 0; gy < GLYPH_HEIGHT * ts; gy++) {
        for (let gx = 0; gx < GLYPH_ADVANCE * ts; gx++) {
          const px = x + i * GLYPH_ADVANCE * ts + gx;
          const col = Math.floor(gx / ts);
          const ink = col < GLYPH_WIDTH && (rows[Math.floor(gy / ts)]! & (0x10 >> col)) !== 0;
          if (px < layout.width) expect(pixel(image, px, y + gy), `'${ch}' of ${row.name} at ${gx},${gy}`).toEqual(ink ? INK : BG);
        }
      }
    });
  }
}

/** Every cell shows its image, each pixel a scale x scale block; the rest of its slot is background. */
function expectCells(image: Image, layout: MosaicLayout, dataset: Dataset): void {
  const s = layout.scale;
  for (const row of layout.rows) {
    for (const cell of row.cells) {
      const src = dataset.get(cell.id, cell.subset)!.media!;
      expect([cell.width, cell.height]).toEqual([src.width * s, src.height * s]);
      expect(pixel(image, cell.x, cell.y)).toEqual(sourcePixel(src, 0, 0));
      for (let dy = 0; dy < layout.cellHeight; dy++) {
        for (let dx = 0; dx < layout.cellWidth; dx++) {
          const inside = dx < cell.width && dy < cell.height;
          const want = inside ? sourcePixel(src, Math.floor(dx / s), Math.floor(dy / s)) : BG;
          expect(pixel(image, cell.x + dx, cell.y + dy), `${cell.id} at ${dx},${dy}`).toEqual(want);
        }
      }
    }
  }
}

describe('renderMosaic', () => {
  it('lays out one row per label plus (unlabelled), skipping items without media', () => {
    const { image, layout } = renderMosaic(smallDataset(), { scale: 3 });
    // Text scale 1: 8 px glyph rows, 6 px advance; '(unlabelled)' is the widest name: 12 * 6 - 1 = 71.
    // Cells start at 4 + 71 + 4 = 79; slots are 4x4 * 3 = 12x12; rows 12 px, 1 px apart.
    const text = (y: number, shown: string) => ({ x: 4, y: y + 2, width: shown.length * 6 - 1, height: 8, shown });
    expect(layout).toEqual({
      width: 79 + 12 + 1 + 12 + 4,
      height: 4 + 4 * 12 + 3 + 4,
      cellWidth: 12,
      cellHeight: 12,
      scale: 3,
      textScale: 1,
      rows: [
        {
          label: 0,
          name: 'cat',
          y: 4,
          height: 12,
          text: text(4, 'cat'),
          cells: [
            { x: 79, y: 4, width: 12, height: 12, subset: 'train', id: 'c1' },
            { x: 92, y: 4, width: 9, height: 6, subset: 'train', id: 'c2' },
          ],
        },
        { label: 1, name: 'dog', y: 17, height: 12, text: text(17, 'dog'), cells: [{ x: 79, y: 17, width: 12, height: 12, subset: 'train', id: 'd1' }] },
        { label: 2, name: 'maple_tree', y: 30, height: 12, text: text(30, 'maple_tree'), cells: [{ x: 79, y: 30, width: 9, height: 6, subset: 'test', id: 'm1' }] },
        { label: -1, name: '(unlabelled)', y: 43, height: 12, text: text(43, '(unlabelled)'), cells: [{ x: 79, y: 43, width: 12, height: 12, subset: 'test', id: 'u1' }] },
      ],
    });
    expect([image.width, image.height, image.channels]).toEqual([108, 59, 3]);
  });

  it('draws each image as scale x scale blocks at its cell, gray as gray RGB, on the background', () => {
    const ds = smallDataset();
    const { image, layout } = renderMosaic(ds, { scale: 3 });
    expect(pixel(image, 79, 4)).toEqual([200, 10, 10]); // c1's first pixel
    expect(pixel(image, 81, 6)).toEqual([200, 10, 10]); // the same 3x3 block
    expect(pixel(image, 79, 17)).toEqual([77, 77, 77]); // d1, grayscale
    expect(pixel(image, 100, 9)).toEqual([10, 200, 10]); // c2's last pixel (2x3 at 92,4)
    expect(pixel(image, 101, 4)).toEqual(BG); // right of c2, inside its slot
    expect(pixel(image, 92, 10)).toEqual(BG); // below c2, inside its slot
    expect(pixel(image, 91, 4)).toEqual(BG); // the 1-px gap between slots
    expect(pixel(image, 79, 16)).toEqual(BG); // the 1-px gap between rows
    expect(pixel(image, 0, 0)).toEqual(BG);
    expect(pixel(image, 107, 58)).toEqual(BG);
    expectCells(image, layout, ds);
  });

  it('draws the label names with the font', () => {
    const { image, layout } = renderMosaic(smallDataset(), { scale: 3 });
    // 'c' is .....|.....|.###.|#....|#....|#...#|.###.|..... at (4, 6).
    expect([...glyphRows('c'.codePointAt(0)!)]).toEqual([0, 0, 0x0e, 0x10, 0x10, 0x11, 0x0e, 0]);
    expect(pixel(image, 4 + 1, 6 + 2)).toEqual(INK);
    expect(pixel(image, 4 + 0, 6 + 3)).toEqual(INK);
    expect(pixel(image, 4 + 0, 6 + 2)).toEqual(BG); // an empty pixel of the glyph
    expect(pixel(image, 4 + 2, 6 + 4)).toEqual(BG); // its hollow
    expectText(image, layout);
  });

  it('draws the text larger with a larger scale, and rows at least as tall as the text', () => {
    const ds = Dataset.fromIterable([item('a', 'x', [0], solid(1, 1, [9, 9, 9]))], { labels: ['ab'] });
    const big = renderMosaic(ds, { scale: 5 });
    expect(big.layout.textScale).toBe(2);
    expect(big.layout.rows[0]).toMatchObject({ height: 16, text: { x: 4, y: 4, width: 2 * (2 * 6 - 1), height: 16 } });
    expect(big.layout.cellWidth).toBe(5);
    expectText(big.image, big.layout);
    expectCells(big.image, big.layout, ds);
  });

  it('draws a placeholder box for characters outside the font, and clips long names', () => {
    const long = 'a_label_name_of_thirty_chars__';
    const ds = Dataset.fromIterable([item('k', 'train', [0], solid(4, 4, [1, 2, 3])), item('l', 'train', [1], solid(4, 4, [4, 5, 6]))], {
      labels: ['кошка', long],
    });
    const { image, layout } = renderMosaic(ds, { scale: 1 });
    expect(hasGlyph('к'.codePointAt(0)!)).toBe(false);
    expect([...glyphRows('к'.codePointAt(0)!)]).toEqual(BOX);
    expect([...glyphRows(0x1f600)]).toEqual(BOX);
    const [cyrillic, clipped] = layout.rows;
    expect(cyrillic!.text).toEqual({ x: 4, y: 4, width: 5 * 6 - 1, height: 8, shown: 'кошка' });
    for (let g = 0; g < 5; g++) {
      const x = 4 + g * 6;
      expect(pixel(image, x, 4)).toEqual(INK); // the box's top-left corner
      expect(pixel(image, x + 4, 10)).toEqual(INK); // its bottom-right corner
      expect(pixel(image, x + 2, 7)).toEqual(BG); // its inside
    }
    expect(clipped!.name).toBe(long);
    expect(clipped!.text.shown).toBe(`${long.slice(0, 23)}…`);
    expect(clipped!.text.width).toBe(24 * 6 - 1);
    expect(layout.rows[1]!.cells[0]!.x).toBe(4 + 143 + 4);
    expectText(image, layout);
  });

  it('takes the first perClass images of each label, in dataset order', () => {
    const items = Array.from({ length: 7 }, (_, i) => item(`i${i}`, i % 2 ? 'a' : 'b', [i % 3 === 2 ? 1 : 0], solid(2, 2, [i, i, i])));
    const ds = Dataset.fromIterable(items, { labels: ['zero', 'one'] });
    const { image, layout } = renderMosaic(ds, { perClass: 3, scale: 1 });
    expect(layout.rows.map((r) => r.cells.map((c) => c.id))).toEqual([
      ['i0', 'i1', 'i3'],
      ['i2', 'i5'],
    ]);
    expect(layout.width).toBe(4 + textWidth('zero') + 4 + 3 * 2 + 2 + 4);
    expect(renderMosaic(ds, { perClass: 1, scale: 1 }).layout.rows.map((r) => r.cells.map((c) => c.id))).toEqual([['i0'], ['i2']]);
    expect(renderMosaic(ds).layout.rows[0]!.cells).toHaveLength(5); // default 10 (only 5 exist)
    expectCells(image, layout, ds);
  });

  it('keeps only the chosen subsets; labels without images keep an empty row', () => {
    const ds = smallDataset();
    const { image, layout } = renderMosaic(ds, { subsets: ['test'], scale: 2 });
    expect(layout.rows.map((r) => [r.name, r.cells.map((c) => c.id)])).toEqual([
      ['cat', []],
      ['dog', []],
      ['maple_tree', ['m1']],
      ['(unlabelled)', ['u1']],
    ]);
    expect([layout.cellWidth, layout.cellHeight]).toEqual([8, 8]); // the largest image shown, not the dataset's
    expectCells(image, layout, ds);
    const train = renderMosaic(ds, { subsets: ['train'], scale: 2 }).layout;
    expect(train.rows.map((r) => r.name)).toEqual(['cat', 'dog', 'maple_tree']); // no unlabelled item in train
  });

  it('puts an item with several labels in each row, and unnamed label indices after the named ones', () => {
    const ds = Dataset.fromIterable(
      [item('both', 's', [1, 0, 1], solid(1, 1, [5, 5, 5])), item('far', 's', [7], solid(1, 1, [6, 6, 6])), item('far2', 's', [4], null)],
      { labels: ['a', 'b'] },
    );
    const { layout } = renderMosaic(ds, { scale: 1 });
    expect(layout.rows.map((r) => [r.label, r.name, r.cells.map((c) => c.id)])).toEqual([
      [0, 'a', ['both']],
      [1, 'b', ['both']],
      [4, '#4', []],
      [7, '#7', ['far']],
    ]);
  });

  it('draws a "(no images)" row when there is nothing to show', () => {
    const cases = [
      Dataset.fromIterable([]),
      Dataset.fromIterable([item('x', 'train', [0], null), item('y', 'train', [], null)], { labels: ['cat'] }),
      Dataset.fromIterable([item('z', 'train', [0], new Image(new Uint8Array(0), 0, 4))], { labels: ['cat'] }),
    ];
    for (const ds of cases) {
      const { image, layout } = renderMosaic(ds);
      const shown = '(no images)';
      expect(layout).toEqual({
        width: 4 + textWidth(shown) + 4,
        height: 4 + 8 + 4,
        cellWidth: 0,
        cellHeight: 0,
        scale: 2,
        textScale: 1,
        rows: [{ label: -1, name: shown, y: 4, height: 8, text: { x: 4, y: 4, width: textWidth(shown), height: 8, shown }, cells: [] }],
      });
      expectText(image, layout);
      expect(decodeImage(encodeImage(image, '.png'), 'empty.png').width).toBe(layout.width);
    }
  });

  it('is deterministic, and its PNG decodes to the same pixels', () => {
    const ds = smallDataset();
    const first = renderMosaic(ds, { scale: 2 });
    const second = renderMosaic(smallDataset(), { scale: 2 });
    const png = encodeImage(first.image, '.png');
    expect(encodeImage(second.image, '.png')).toEqual(png);
    expect(second.layout).toEqual(first.layout);
    const decoded = decodeImage(png, 'mosaic.png');
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([first.image.width, first.image.height, 3]);
    expect(decoded.data).toEqual(first.image.data);
  });

  it('refuses bad options with INVALID_ARGUMENT, naming the option', async () => {
    const ds = smallDataset();
    for (const perClass of [0, 1001, 2.5, Number.NaN, -1]) {
      await expectCifarkitError(() => renderMosaic(ds, { perClass }), 'INVALID_ARGUMENT', ['perClass must be an integer from 1 to 1000', `got ${perClass}`]);
    }
    await expectCifarkitError(() => renderMosaic(ds, { perClass: '3' as unknown as number }), 'INVALID_ARGUMENT', ["perClass", "got '3'"]);
    for (const scale of [0, 17, 1.5]) {
      await expectCifarkitError(() => renderMosaic(ds, { scale }), 'INVALID_ARGUMENT', ['scale must be an integer from 1 to 16', `got ${scale}`]);
    }
    await expectCifarkitError(() => renderMosaic(ds, { subsets: ['val'] }), 'INVALID_ARGUMENT', ["no subset 'val'", "'train', 'test'"]);
    await expectCifarkitError(() => renderMosaic(ds, { subsets: [] }), 'INVALID_ARGUMENT', ['subsets is empty']);
    await expectCifarkitError(() => renderMosaic(ds, { subsets: 'train' as unknown as string[] }), 'INVALID_ARGUMENT', ['subsets must be a list']);
    await expectCifarkitError(() => renderMosaic(null as unknown as Dataset), 'INVALID_ARGUMENT', ['renderMosaic needs a Dataset']);
    const err = await expectCifarkitError(() => renderMosaic(ds, { perClass: 0 }), 'INVALID_ARGUMENT');
    expect(err.name).toBe('UsageError');
  });

  it('refuses a mosaic over 16384 px a side, saying what to lower', async () => {
    const wide = Dataset.fromIterable(
      Array.from({ length: 40 }, (_, i) => item(`w${i}`, 's', [0], solid(32, 32, [1, 2, 3]))),
      { labels: ['cat'] },
    );
    expect(renderMosaic(wide, { perClass: 40, scale: 12 }).layout.width).toBeLessThanOrEqual(16384);
    await expectCifarkitError(() => renderMosaic(wide, { perClass: 40, scale: 16 }), 'INVALID_ARGUMENT', [
      'wider than 16384 px',
      'lower perClass (now 40) or scale (now 16)',
    ]);
    const tall = Dataset.fromIterable([item('t', 's', [0], solid(32, 32, [1, 2, 3]))], { labels: Array.from({ length: 40 }, (_, i) => `label${i}`) });
    await expectCifarkitError(() => renderMosaic(tall, { scale: 16 }), 'INVALID_ARGUMENT', ['taller than 16384 px', '40 rows, one per label', 'lower scale (now 16)']);
  });
});

describe('font', () => {
  it('has a distinct glyph for every printable ASCII character, within 5 columns', () => {
    const seen = new Set<string>();
    for (let c = 0x20; c <= 0x7e; c++) {
      const rows = glyphRows(c);
      expect(hasGlyph(c)).toBe(true);
      expect(rows).toHaveLength(GLYPH_HEIGHT);
      for (const r of rows) expect(r).toBeLessThan(0x20);
      expect(rows.some((r) => r !== 0)).toBe(c !== 0x20);
      const key = rows.join(',');
      expect(seen.has(key), String.fromCharCode(c)).toBe(false);
      seen.add(key);
    }
    expect(hasGlyph(0x2026)).toBe(true);
    expect(seen.has(BOX.join(','))).toBe(false); // the placeholder looks like no ASCII character
  });

  it('measures text in code points', () => {
    expect(textWidth('')).toBe(0);
    expect(textWidth('a')).toBe(5);
    expect(textWidth('abc', 2)).toBe(2 * 17);
    expect(textWidth('😀😀')).toBe(11);
  });
});
