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

export async function archiveChecks(api, fixtures) {
  const { archives, manifest, expected, describeDataset } = fixtures;
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
