// A full-size CIFAR-10 as its official archive is laid out: cifar-10-python.tar.gz holding
// cifar-10-batches-py/{batches.meta, data_batch_1..5, test_batch}, 6 x 10,000 32x32 images,
// written by cifarkit's own CIFAR export (from the built package) and gzipped by node:zlib.
// For the viewer's full-size test (test/runtimes/web-full.mjs); generated at test time into a
// temporary folder, never committed. Deterministic: the same bytes on every run.
//
// The images are synthetic and recognisable, as in web/sample/make-sample.mjs: each class has
// its colour, each image its own coarse texture (4x4 blocks) and some fine noise, so the archive
// is about as large as the real one is.
//
//   node test/runtimes/make-full-cifar10.mjs <out-dir>     writes <out-dir>/cifar-10-python.tar.gz
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createGzip } from 'node:zlib';
import { COLORS, LABELS } from '../../web/sample/make-sample.mjs';

export const SUBSETS = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];
export const PER_SUBSET = 10_000;
export const TOTAL = SUBSETS.length * PER_SUBSET;
const ROOT_DIR = 'cifar-10-batches-py';
/** WordNet-like file stems, as the real ones ("domestic_cat_s_000907"). */
const STEMS = ['stealth_bomber', 'camion', 'ostrich', 'domestic_cat', 'fallow_deer', 'puppy', 'bullfrog', 'mustang', 'container_ship', 'dump_truck'];

/** The label of the n-th image (0-based, across subsets): a fixed shuffle of the classes. */
export function labelOf(n) {
  return (n * 7 + Math.floor(n / 10)) % 10;
}

/** The id of the n-th image. */
export function idOf(n) {
  return `${STEMS[labelOf(n)]}_s_${String(n).padStart(6, '0')}`;
}

/** Writes the n-th image's pixels (HWC RGB) into `out`. */
function paint(n, out) {
  const [r, g, b] = COLORS[labelOf(n)];
  let s = (n * 2654435761) >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const blocks = new Int16Array(64);
  for (let k = 0; k < 64; k++) blocks[k] = (next() % 81) - 40;
  for (let y = 0; y < 32; y++) {
    const f = y < 16 ? 1 : 0.35 + (0.65 * (31 - y)) / 15;
    for (let x = 0; x < 32; x++) {
      const t = blocks[((y >> 2) << 3) | (x >> 2)];
      const noise = next();
      const at = (y * 32 + x) * 3;
      out[at] = Math.max(0, Math.min(255, Math.round(r * f) + t + (noise & 15) - 8));
      out[at + 1] = Math.max(0, Math.min(255, Math.round(g * f) + t + ((noise >>> 4) & 15) - 8));
      out[at + 2] = Math.max(0, Math.min(255, Math.round(b * f) + t + ((noise >>> 8) & 15) - 8));
    }
  }
}

function tarHeader(name, size) {
  const h = new Uint8Array(512);
  const put = (text, at) => h.set(new TextEncoder().encode(text), at);
  const oct = (v, len) => `${v.toString(8).padStart(len - 1, '0')}\0`;
  put(name, 0);
  put(oct(0o644, 8), 100);
  put(oct(0, 8), 108);
  put(oct(0, 8), 116);
  put(oct(size, 12), 124);
  put(oct(1230000000, 12), 136);
  put('        ', 148);
  put('0', 156);
  put('ustar\0', 257);
  put('00', 263);
  let sum = 0;
  for (const v of h) sum += v;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** Writes `<dir>/cifar-10-python.tar.gz`; resolves to its path. */
export async function writeFullCifar10(dir) {
  const { Dataset, DatasetItem, Image, Label } = await import('../../dist/index.js');
  await mkdir(dir, { recursive: true });
  const pixels = new Uint8Array(3072);
  const items = [];
  for (let n = 0; n < TOTAL; n++) {
    paint(n, pixels);
    items.push(
      new DatasetItem({
        id: idOf(n),
        subset: SUBSETS[Math.floor(n / PER_SUBSET)],
        media: Image.fromHWC(pixels.slice(), 32, 32, 3),
        annotations: [new Label(labelOf(n))],
      }),
    );
  }
  const files = await Dataset.fromIterable(items, { labels: LABELS }).exportToFiles('cifar');
  items.length = 0;
  const path = join(dir, 'cifar-10-python.tar.gz');
  async function* tar() {
    for (const name of ['batches.meta', ...SUBSETS]) {
      const data = files.get(name);
      yield tarHeader(`${ROOT_DIR}/${name}`, data.length);
      yield data;
      const pad = (512 - (data.length % 512)) % 512;
      if (pad) yield new Uint8Array(pad);
      files.delete(name);
    }
    yield new Uint8Array(1024);
  }
  await pipeline(Readable.from(tar()), createGzip({ level: 1 }), createWriteStream(path));
  return path;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node test/runtimes/make-full-cifar10.mjs <out-dir>');
    process.exit(2);
  }
  const t = performance.now();
  const path = await writeFullCifar10(out);
  console.log(`wrote ${path} in ${Math.round(performance.now() - t)} ms`);
}
