/**
 * Item ids kept as bytes (issue 16): a Python 2 batch's file names (py2 str: bytes) become a
 * `LazyIds` column when they are ASCII, unique and of one extension, decoded on the first id
 * asked for. Every other batch takes the strings path. Both must give the same dataset: the same
 * file names written as Python 3 str (strings) are the reference here.
 */
import { describe, expect, it } from 'vitest';
import { Dataset, ErrorCode, Label } from '../../src/index.js';
import { idsOfNameBytes } from '../../src/formats/cifar/import.js';
import { writePickle, type PyWritable } from '../../src/pickle/index.js';
import { NdArray, DType } from '../../src/pickle/ndarray.js';
import { BACKENDS, bytes, expectCifarkitError, noise, sha256, withBackend } from '../helpers.js';

type Name = string | Uint8Array;

/** batches.meta + data_batch_1 with these file names, labels 0/1/2..., random 32x32 pixels. */
function folder(names: Name[], python2: boolean): Record<string, Uint8Array> {
  const data = new NdArray().init([names.length, 3072], new DType('u1'), false, noise(names.length * 3072, names.length + 7));
  const batch = new Map<PyWritable, PyWritable>([
    ['batch_label', 'training batch 1 of 1'],
    ['filenames', names],
    ['labels', names.map((_, i) => i % 3)],
    ['data', data],
  ]);
  const options = python2 ? { python2: true } : { protocol: 4 as const };
  return {
    'batches.meta': writePickle(new Map<PyWritable, PyWritable>([['label_names', ['a', 'b', 'c']]]), options),
    data_batch_1: writePickle(batch, options),
  };
}

async function shown(files: Record<string, Uint8Array>) {
  const ds = await Dataset.importFrom(files);
  return {
    items: [...ds].map((i) => [i.id, i.subset, (i.annotations[0] as Label | undefined)?.label ?? null, i.media?.ext, sha256(i.media!.data)]),
    warnings: ds.importWarnings,
    byId: [...ds].map((i) => ds.get(i.id, i.subset) === i),
  };
}

const many = Array.from({ length: 3000 }, (_, i) => `leptodactylus_pentadactylus_s_${String(i).padStart(6, '0')}.png`);

const CASES: [string, string[], boolean][] = [
  // [what, names, whether the byte path takes them]
  ['CIFAR-like names, one extension', ['leptodactylus_pentadactylus_s_000004.png', 'camion_s_000148.png', 'b.png'], true],
  ['3,000 names (the hash table grows past its first size)', many, true],
  ['names without an extension', ['a', 'b', 'c_d'], true],
  ['dots that start no extension (os.path.splitext)', ['..a', 'd.x/b', '.bashrc'], true],
  ['folders and several dots before one extension', ['a.b.png', 'd.v/c.png', 'x/..y.png'], true],
  ['a name given twice (renamed, with a warning)', ['a.png', 'b.png', 'a.png', 'a_2.png'], false],
  ['the same id from two extensions', ['a.png', 'a.jpg'], false],
  ['two extensions', ['a.png', 'b.jpg', 'c.png'], false],
  ['a name with an extension, one without', ['a.png', 'b'], false],
  ['a duplicate after 3,000 unique names', [...many, many[1234]!], false],
  ['control characters other than a newline', ['a\tb.png', 'c\u0001.png'], true],
];

describe.each(BACKENDS)('Python 2 file names kept as bytes give the dataset their strings give (%s backend)', (backend) => {
  for (const [what, names, byteIds] of CASES) {
    it(what, async () => {
      await withBackend(backend, async () => {
        const py2 = await shown(folder(names, true));
        const py3 = await shown(folder(names, false));
        expect(py2).toEqual(py3);
        expect(py2.items.map((i) => i[0])).toHaveLength(names.length);
        expect(py2.byId.every(Boolean)).toBe(true);
        // Whether the byte path took the names (the equality above then tests it against the strings path).
        const asBytes = names.map((n) => bytes(n));
        expect(idsOfNameBytes(asBytes) !== null).toBe(byteIds);
      });
    });
  }
});

describe('idsOfNameBytes', () => {
  it('keeps the ids without their extension, decoded on the first use', () => {
    const kept = idsOfNameBytes(['x.png', 'y_1.png', 'dir/z.png'].map(bytes))!;
    expect(kept.ext).toBe('.png');
    expect(kept.ids.length).toBe(3);
    expect(kept.ids.all()).toEqual(['x', 'y_1', 'dir/z']);
    expect(kept.ids.all()).toBe(kept.ids.all()); // decoded once
    expect(idsOfNameBytes([])!.ids.all()).toEqual([]);
  });

  it('leaves to the strings path what it cannot keep as bytes', () => {
    expect(idsOfNameBytes([bytes('a.png'), 'b.png'])).toBeNull(); // a Python 3 str
    expect(idsOfNameBytes([bytes('a.png'), bytes('')])).toBeNull(); // empty: the strings path reports it
    expect(idsOfNameBytes([bytes('a.png'), Uint8Array.of(0x63, 0xe9, 0x2e, 0x70, 0x6e, 0x67)])).toBeNull(); // latin-1 é
    expect(idsOfNameBytes([bytes('a\nb.png')])).toBeNull(); // the join's separator
    expect(idsOfNameBytes([bytes('a.png'), 3 as unknown as Uint8Array])).toBeNull();
  });
});

/**
 * 2^k distinct names of one FNV-1a hash (the byte path's table hash): k rounds, each a pair of
 * 4-byte blocks that take the hash state to the same value (a birthday search, seeded).
 */
function collidingNames(k: number): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';
  const step = (h: number, b: number) => Math.imul(h ^ b, 0x01000193);
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 26; // the top 6 bits (an LCG's low bits cycle fast)
  let h = 0x811c9dc5;
  const pairs: [string, string][] = [];
  while (pairs.length < k) {
    const seen = new Map<number, string>();
    for (;;) {
      const block = String.fromCharCode(...[0, 1, 2, 3].map(() => alphabet.charCodeAt(rand())));
      let s = h;
      for (let i = 0; i < 4; i++) s = step(s, block.charCodeAt(i));
      const prev = seen.get(s >>> 0);
      if (prev !== undefined && prev !== block) {
        pairs.push([prev, block]);
        h = s;
        break;
      }
      seen.set(s >>> 0, block);
    }
  }
  return Array.from({ length: 2 ** k }, (_, m) => `${pairs.map((p, r) => p[(m >> r) & 1]).join('')}.png`);
}

describe('names made to collide in the byte path\'s hash table', () => {
  it('go to the strings path (no quadratic probing), with the same dataset', async () => {
    const names = collidingNames(10);
    expect(new Set(names).size).toBe(1024);
    expect(idsOfNameBytes(names.map(bytes))).toBeNull();
    // Chance collisions of ordinary names stay on the byte path.
    expect(idsOfNameBytes(many.map(bytes))).not.toBeNull();
    const py2 = await shown(folder(names, true));
    expect(py2).toEqual(await shown(folder(names, false)));
    expect(py2.items.map((i) => i[0])).toEqual(names.map((n) => n.slice(0, -4)));
  });
});

describe('Python 2 file names the byte path leaves alone', () => {
  it('latin-1 bytes give latin-1 ids, as before', async () => {
    const ds = await Dataset.importFrom(folder([Uint8Array.of(0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70, 0x6e, 0x67), bytes('b.png')], true));
    expect([...ds].map((i) => [i.id, i.media?.ext])).toEqual([
      ['café', '.png'],
      ['b', '.png'],
    ]);
  });

  it('an empty file name is refused, as before', async () => {
    await expectCifarkitError(() => Dataset.importFrom(folder([bytes('a.png'), new Uint8Array(0)], true)), ErrorCode.CIFAR_INVALID_BATCH, ['empty item id']);
  });

  it('a label out of range names the item by its id', async () => {
    const files = folder(['x.png', 'y.png', 'z.png', 'w.png'], true);
    // Three label names, labels 0, 1, 2, 0: with two names, label 2 of 'z' is out of range.
    files['batches.meta'] = writePickle(new Map<PyWritable, PyWritable>([['label_names', ['a', 'b']]]), { python2: true });
    const err = await expectCifarkitError(() => Dataset.importFrom(files), ErrorCode.LABEL_OUT_OF_RANGE, ['label 2']);
    expect([err.index, err.item]).toEqual([2, 'z']);
  });
});
