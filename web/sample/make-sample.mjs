// Builds web/sample/cifar10-sample.tar.gz: a small CIFAR-10 dataset in the official archive's
// layout (cifar-10-batches-py/{batches.meta,data_batch_1,test_batch,readme.html}, Python 2
// pickles), with synthetic images a person can recognise: each class has its own colour, each
// image its own texture, and two train/test leaks are planted for the viewer's check to find.
// Needs the built package (npm run build). Run: node web/sample/make-sample.mjs
// The output is byte-identical on every run (fixed tar mtimes, gzip mtime 0).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'fflate';
import { concatBytes } from '../../scripts/bytes.mjs';

export const LABELS = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
/** One colour per class (RGB). */
export const COLORS = [
  [135, 206, 235], // airplane: sky blue
  [220, 30, 30], //   automobile: red
  [250, 215, 40], //  bird: yellow
  [255, 140, 0], //   cat: orange
  [140, 90, 40], //   deer: brown
  [210, 180, 140], // dog: tan
  [40, 170, 60], //   frog: green
  [90, 50, 20], //    horse: dark brown
  [20, 40, 140], //   ship: navy
  [128, 128, 128], // truck: gray
];
/** Images per class in each subset: 40 in data_batch_1, 10 in test_batch, 50 in all. */
export const COUNTS = {
  data_batch_1: [6, 5, 4, 3, 6, 5, 4, 3, 2, 2],
  test_batch: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
};
export const ROOT_DIR = 'cifar-10-batches-py';

/**
 * The pixel (RGB) at row y, column x of image `n` (0-based within its class, across subsets) of
 * class `label`: the top half is the class colour; the bottom half fades it to black from left
 * to right; a coarse texture (4x4 blocks, seeded by class, image and block) lightens or darkens
 * every pixel by up to 40, so that distinct images look distinct to a perceptual hash too; a
 * white 4x4 square on the top half marks `n` (at x = 2 + 5n, y = 2).
 */
export function pixelAt(label, n, y, x) {
  const mx = 2 + 5 * (n % 6);
  if (y >= 2 && y < 6 && x >= mx && x < mx + 4) return [255, 255, 255];
  const f = y < 16 ? 1 : (31 - x) / 31;
  const t = (blockHash(label, n, y >> 2, x >> 2) % 81) - 40;
  return COLORS[label].map((c) => clamp(Math.round(c * f) + t));
}

const clamp = (v) => Math.max(0, Math.min(255, v));

/** A small integer hash (xorshift-multiply) of the block's coordinates. */
function blockHash(label, n, by, bx) {
  let h = (label * 73856093) ^ (n * 19349663) ^ (by * 83492791) ^ (bx * 2654435761);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Planted train/test leaks, for the viewer's check (validate) to find: the test image of `cat` is
 * an exact copy of cat_0, the test image of `dog` is dog_1 made brighter by 12.
 */
export const LEAKS = {
  cat_3: { copyOf: 0, brighten: 0 },
  dog_5: { copyOf: 1, brighten: 12 },
};

/** The pixel of a sample item (see {@link pixelAt} and {@link LEAKS}). */
export function itemPixelAt(item, y, x) {
  const leak = LEAKS[item.id];
  const px = pixelAt(item.label, leak ? leak.copyOf : item.n, y, x);
  return leak ? px.map((c) => clamp(c + leak.brighten)) : px;
}

/** The sample's items in order: { id, subset, label, n }. */
export function sampleItems() {
  const items = [];
  const seen = LABELS.map(() => 0);
  for (const [subset, counts] of Object.entries(COUNTS)) {
    for (let label = 0; label < LABELS.length; label++) {
      for (let k = 0; k < counts[label]; k++) {
        const n = seen[label]++;
        items.push({ id: `${LABELS[label]}_${n}`, subset, label, n });
      }
    }
  }
  return items;
}

// --- a minimal ustar writer (regular files and folders) ---
function tarHeader(name, size, type) {
  const h = new Uint8Array(512);
  const put = (s, off, len) => {
    const b = new TextEncoder().encode(s);
    if (b.length > len) throw new Error(`tar field too long: ${s}`);
    h.set(b, off);
  };
  const oct = (n, len) => n.toString(8).padStart(len - 1, '0') + '\0';
  put(name, 0, 100);
  put(oct(type === '5' ? 0o755 : 0o644, 8), 100, 8);
  put(oct(0, 8), 108, 8); // uid
  put(oct(0, 8), 116, 8); // gid
  put(oct(size, 12), 124, 12);
  put(oct(1230000000, 12), 136, 12); // a fixed mtime (2008), so the output is reproducible
  put('        ', 148, 8); // checksum placeholder
  put(type, 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const v of h) sum += v;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

export function tar(entries) {
  const parts = [];
  for (const { name, data } of entries) {
    if (data === null) {
      parts.push(tarHeader(name, 0, '5'));
      continue;
    }
    parts.push(tarHeader(name, data.length, '0'), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024));
  return concatBytes(parts);
}

/** The sample's files (path inside the archive -> bytes), from the built package. */
export async function sampleFiles() {
  const { Dataset, DatasetItem, Image, Label } = await import('../../dist/index.js');
  const items = sampleItems().map((item) => {
    const { id, subset, label } = item;
    const px = new Uint8Array(32 * 32 * 3);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) px.set(itemPixelAt(item, y, x), (y * 32 + x) * 3);
    return new DatasetItem({ id, subset, media: Image.fromHWC(px, 32, 32), annotations: [new Label(label)] });
  });
  const ds = Dataset.fromIterable(items, { labels: LABELS });
  const files = await ds.exportToFiles('cifar', { python2: true, saveMedia: true });
  const readme = new TextEncoder().encode(
    '<html><body><p>cifarkit synthetic CIFAR-10 sample: 50 images (40 in data_batch_1, 10 in test_batch), one colour per class and a texture per image; test_batch holds an exact copy of cat_0 (cat_3) and a brightened dog_1 (dog_5). Made by web/sample/make-sample.mjs.</p></body></html>\n',
  );
  const out = new Map([[`${ROOT_DIR}/`, null]]);
  for (const name of ['batches.meta', 'data_batch_1', 'test_batch']) {
    if (!files.has(name)) throw new Error(`the export has no ${name}: ${[...files.keys()]}`);
    out.set(`${ROOT_DIR}/${name}`, files.get(name));
  }
  out.set(`${ROOT_DIR}/readme.html`, readme);
  return out;
}

async function main() {
  const files = await sampleFiles();
  const archive = gzipSync(tar([...files].map(([name, data]) => ({ name, data }))), { level: 9, mtime: 0 });
  const dest = fileURLToPath(new URL('./cifar10-sample.tar.gz', import.meta.url));
  await writeFile(dest, archive);
  console.log(`wrote ${dest} (${archive.length} bytes, ${sampleItems().length} images)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
