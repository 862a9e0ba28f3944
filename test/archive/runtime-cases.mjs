// The archive checks shared by the Node (vitest), Deno and Chromium suites, in plain JavaScript
// so every runtime loads it as it is. They run against `api` (the built package,
// or src/ in vitest) through `api.Dataset.importFrom(<archive>, 'cifar')`.
//
// fixtures = {
//   archives: Record<file, Uint8Array>        the files of test/fixtures/archives/ (but generate.py)
//   manifest: [...]                           test/fixtures/archives/manifest.json
//   expected: Record<name, object>            test/fixtures/generated/<name>.expected.json for each name the manifest uses
//   describeDataset: (ds) => Promise<object>  from test/runtimes/cases.mjs
//   backends?: string[]                       default ['wasm', 'js']
// }
// Returns [{ name, ok, detail }].

import { firstDifference } from '../runtimes/cases.mjs';
import { concatBytes as concat } from '../../scripts/bytes.mjs';

/** The ways an archive can be handed over; each makes a fresh input from the bytes. */
const INPUTS = {
  Uint8Array: (bytes) => bytes.slice(),
  ArrayBuffer: (bytes) => bytes.slice().buffer,
  Blob: (bytes) => new Blob([bytes]),
  Response: (bytes) => new Response(bytes),
  'ReadableStream (7-byte chunks)': (bytes) => chunked(bytes, 7),
};

/** A ReadableStream that hands `bytes` over `size` bytes at a time. */
export function chunked(bytes, size) {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}


async function expectError(api, run, code, mentions) {
  try {
    const ds = await run();
    return `expected error ${code}, got a dataset of ${ds.size} items`;
  } catch (err) {
    if (!(err instanceof api.CifarkitError)) return `threw a non-cifarkit error: ${err && err.stack ? err.stack : err}`;
    if (err.code !== code) return `expected code ${code}, got ${err.code}: ${err.message}`;
    const missing = mentions.filter((m) => !err.message.includes(m));
    return missing.length ? `message "${err.message}" does not mention ${JSON.stringify(missing)}` : null;
  }
}

/** Named checks: `check(name, fn)` records `fn`'s result (null: ok, else what went wrong, or what it threw). */
function collector() {
  const results = [];
  const check = async (name, fn) => {
    let detail;
    try {
      detail = await fn();
    } catch (err) {
      detail = `threw ${err && err.stack ? err.stack : err}`;
    }
    results.push({ name, ok: detail === null, detail });
  };
  return { results, check };
}

export async function archiveChecks(api, fixtures) {
  const { archives, manifest, expected, describeDataset } = fixtures;
  const { results, check } = collector();
  const bytesOf = (file) => {
    const b = archives[file];
    if (!b) throw new Error(`fixture ${file} not given`);
    return b;
  };

  for (const backend of fixtures.backends ?? ['wasm', 'js']) {
    api.setBackend(backend);
    for (const entry of manifest.filter((e) => e.expected)) {
      const { labels, subsets, items } = expected[entry.expected.replace(/\.expected\.json$/, '')];
      const kinds = entry.file.startsWith('cifar-') ? Object.keys(INPUTS) : ['Uint8Array'];
      for (const kind of kinds) {
        await check(`${entry.file} as ${kind} [${backend}]`, async () => {
          if (api.getBackend() !== backend) return `backend is ${api.getBackend()}, not ${backend}`;
          const ds = await api.Dataset.importFrom(INPUTS[kind](bytesOf(entry.file)), 'cifar');
          return firstDifference(await describeDataset(ds), { labels, subsets, items });
        });
      }
    }
  }
  api.setBackend('auto');

  const official = 'cifar-10-python.tar.gz';
  const { labels, subsets, items } = expected['py2-cifar10'];
  await check(`${official} with the format detected`, async () => {
    const ds = await api.Dataset.importFrom(bytesOf(official));
    return ds.format !== 'cifar' ? `detected ${ds.format}` : firstDifference(await describeDataset(ds), { labels, subsets, items });
  });
  for (const entry of manifest.filter((e) => e.error)) {
    await check(`${entry.file} is refused`, () => expectError(api, () => api.Dataset.importFrom(bytesOf(entry.file), 'cifar'), entry.error, entry.mentions));
  }
  const gz = bytesOf(official);
  await check('a truncated .tar.gz is refused', () =>
    expectError(api, () => api.Dataset.importFrom(gz.slice(0, gz.length >> 1), 'cifar'), 'ARCHIVE_TRUNCATED', ['gzip']),
  );
  const tar = bytesOf('cifar-10-python.tar');
  await check('a truncated .tar is refused', () =>
    expectError(api, () => api.Dataset.importFrom(tar.slice(0, 5000), 'cifar'), 'ARCHIVE_TRUNCATED', ['cifar-10-batches-py/']),
  );
  const zip = bytesOf('cifar-10-python.zip').slice();
  zip.fill(0x55, 200, 2000); // inside the first batch's deflate data
  await check('a corrupt .zip is refused', () => expectError(api, () => api.Dataset.importFrom(zip, 'cifar'), 'ARCHIVE_CORRUPT', ['zip']));
  return results;
}

// ---------- native inflate (node:zlib, DecompressionStream) against fflate ----------

/** A minimal ustar writer: [{ name, data, type? }] -> tar bytes, then `trailing` zero bytes after the end marker. */
function tarBytes(entries, trailing = 0) {
  const blocks = [];
  for (const { name, data, type = '0' } of entries) {
    const h = new Uint8Array(512);
    const put = (s, at) => h.set(new TextEncoder().encode(s), at);
    put(name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    put('00000000000\0', 136);
    put(type, 156);
    put('ustar\0', 257);
    put('00', 263);
    h.fill(0x20, 148, 156);
    put(`${h.reduce((a, b) => a + b, 0).toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024 + trailing));
  return concat(blocks);
}


/** gzip by the runtime's CompressionStream (every runtime under test has it). */
async function gzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Deterministic pseudo-random bytes (xorshift32), compressible only a little. */
function noise(n, seed) {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) % 61; // a small alphabet: some redundancy for deflate to find
  }
  return out;
}

/** A ReadableStream over `bytes` in `size`-byte chunks that counts what was pulled. */
function countingStream(bytes, size) {
  const counter = { pulled: 0 };
  let at = 0;
  counter.stream = new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const chunk = bytes.slice(at, at + size);
      at += size;
      counter.pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return counter;
}

/**
 * Every inflater this runtime has (`fixtures.inflaters`, the first the default) reads the same
 * archives to the same datasets, refuses broken gzip with the same codes, and stops inflating
 * at the limit. Returns [{ name, ok, detail }].
 * fixtures: as for archiveChecks, plus
 *   inflaters: string[]    the inflaters to check, the runtime's default first
 *   untested?: string[]    inflaters the runtime has but the checks leave out (not expected to be absent)
 *   readsAhead?: string[]  inflaters that read their input without backpressure (the bomb's "read less than half" is not asked of them)
 */
export async function inflateChecks(api, fixtures) {
  const { archives, manifest, expected, describeDataset, inflaters } = fixtures;
  const { results, check } = collector();
  api.setInflater('auto');
  await check(`the default inflater is ${inflaters[0]}`, async () => (api.getInflater() === inflaters[0] ? null : `got ${api.getInflater()}`));
  for (const name of ['node-zlib', 'DecompressionStream', 'fflate'].filter((n) => !inflaters.includes(n) && !(fixtures.untested ?? []).includes(n))) {
    await check(`setInflater('${name}') is BACKEND_UNAVAILABLE here`, () => expectError(api, async () => api.setInflater(name), 'BACKEND_UNAVAILABLE', [name]));
  }
  await check("setInflater('zstd') is INVALID_ARGUMENT", () => expectError(api, async () => api.setInflater('zstd'), 'INVALID_ARGUMENT', ['zstd']));

  // A larger archive than the fixtures (many inflated chunks): 1,000 images of noise as CIFAR
  // batches, exported by cifarkit, tarred here, gzipped by the runtime; fflate's reading of it is
  // the reference the natives must equal.
  const bigItems = 1000;
  const pixels = noise(bigItems * 3072, 7);
  const items = [];
  for (let i = 0; i < bigItems; i++) {
    const media = api.Image.fromHWC(pixels.subarray(i * 3072, (i + 1) * 3072), 32, 32, 3);
    items.push(new api.DatasetItem({ id: `img_${i}`, subset: i < 800 ? 'data_batch_1' : 'test_batch', media, annotations: [new api.Label(i % 10)] }));
  }
  const exported = await api.Dataset.fromIterable(items, { labels: 'abcdefghij'.split('') }).exportToFiles('cifar');
  const big = await gzip(tarBytes([...exported].map(([path, data]) => ({ name: `cifar-10-batches-py/${path}`, data }))));
  api.setInflater('fflate');
  const reference = await describeDataset(await api.Dataset.importFrom(big.slice(), 'cifar'));
  // A bomb: a valid tar whose end marker is followed by 256 MiB of zeros (counted by the tar
  // reader as they are inflated), gzipped as a stream (~250 KB).
  const head = tarBytes([{ name: 'a', data: new Uint8Array(10) }]);
  const zeros = new Uint8Array(2 ** 20);
  let sent = -1;
  const bombSource = new ReadableStream({
    pull(c) {
      if (sent === -1) c.enqueue(head);
      else if (sent < 256) c.enqueue(zeros);
      else c.close();
      sent++;
    },
  });
  const bomb = new Uint8Array(await new Response(bombSource.pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
  const gz = archives['cifar-10-python.tar.gz'];
  const flip = (at) => {
    const b = gz.slice();
    b[at < 0 ? b.length + at : at] ^= 1;
    return b;
  };
  const refusals = [
    ['a .tar.gz cut in half', gz.slice(0, gz.length >> 1), 'ARCHIVE_TRUNCATED', ['the gzip stream ends early']],
    ['a .tar.gz cut inside its header', gz.slice(0, 12), 'ARCHIVE_TRUNCATED', ['gzip']],
    ['corrupt deflate data', (() => { const b = gz.slice(); b.fill(0xff, 100, 400); return b; })(), 'ARCHIVE_CORRUPT', ['gzip']],
    ['a wrong CRC-32 in the trailer', flip(-6), 'ARCHIVE_CORRUPT', ['CRC-32']],
    ['a wrong length in the trailer', flip(-2), 'ARCHIVE_CORRUPT', ['gzip']],
    ['a two-member gzip', concat([gz, gz]), 'ARCHIVE_CORRUPT', ['gzip']],
    ['junk after the gzip', concat([gz, new TextEncoder().encode('junk')]), 'ARCHIVE_CORRUPT', ['gzip']],
  ];

  for (const inflater of inflaters) {
    api.setInflater(inflater);
    const tag = `[${inflater}]`;
    for (const entry of manifest.filter((e) => e.expected && /\.(tar\.gz|tgz)$/.test(e.file))) {
      const want = expected[entry.expected.replace(/\.expected\.json$/, '')];
      for (const [kind, make] of [['Uint8Array', (b) => b.slice()], ['ReadableStream (7-byte chunks)', (b) => chunked(b, 7)]]) {
        await check(`${entry.file} as ${kind} ${tag}`, async () => {
          if (api.getInflater() !== inflater) return `inflater is ${api.getInflater()}`;
          const ds = await api.Dataset.importFrom(make(archives[entry.file]), 'cifar');
          return firstDifference(await describeDataset(ds), { labels: want.labels, subsets: want.subsets, items: want.items });
        });
      }
    }
    await check(`a 3 MB CIFAR .tar.gz gives the dataset fflate gives ${tag}`, async () => {
      const ds = await api.Dataset.importFrom(big.slice(), 'cifar');
      if (ds.size !== bigItems) return `${ds.size} items, expected ${bigItems}`;
      return firstDifference(await describeDataset(ds), reference);
    });
    for (const [what, bytes, code, mentions] of refusals) {
      // A trailer cut short is the one difference between fflate and the natives (src/archive/inflate.ts).
      await check(`${what} is ${code} ${tag}`, () => expectError(api, () => api.Dataset.importFrom(bytes.slice(), 'cifar'), code, mentions));
    }
    await check(`limits.maxTotalBytes stops a gzip bomb while inflating ${tag}`, async () => {
      const counter = countingStream(bomb, 4096);
      const err = await expectError(api, () => api.Dataset.importFrom(counter.stream, 'cifar', { limits: { maxTotalBytes: 1_000_000 } }), 'ARCHIVE_TOO_LARGE', [
        'limit of 1000000 bytes',
      ]);
      if (err) return err;
      // ~1 MB inflated from a 256 MiB stream: far from all of its compressed bytes were read.
      // (Except where the inflater reads its input ahead without backpressure: `readsAhead`.)
      if ((fixtures.readsAhead ?? []).includes(inflater)) return null;
      return counter.pulled < bomb.length / 2 ? null : `read ${counter.pulled} of ${bomb.length} compressed bytes before stopping`;
    });
    await check(`a stream failing midway is INVALID_ARGUMENT ${tag}`, async () => {
      let n = 0;
      const failing = new ReadableStream({
        pull(c) {
          if (n++ < 3) c.enqueue(gz.slice((n - 1) * 1000, n * 1000));
          else c.error(new Error('connection reset'));
        },
      });
      return expectError(api, () => api.Dataset.importFrom(failing, 'cifar'), 'INVALID_ARGUMENT', ['connection reset']);
    });
  }
  api.setInflater('auto');
  return results;
}
