// The fixture suite under Deno, against the built package (run: npm run test:deno).
import * as api from '../../dist/index.js';
import { describeDataset, encodeWorkersCheck, runCases } from './cases.mjs';
import { GENERATED, loadArchiveFixtures, loadCases } from './load-cases.mjs';
import { archiveChecks, inflateChecks } from '../archive/runtime-cases.mjs';

const cases = await loadCases();
if (cases.length < 20) throw new Error(`only ${cases.length} fixture cases found: run npm run fixtures?`);
const results = await runCases(api, cases);

for (const r of results) {
  Deno.test(`${r.name} [${r.backend}] (in-memory files)`, () => {
    if (!r.ok) throw new Error(r.detail);
  });
}

for (const c of cases.filter((c) => c.expected).slice(0, 3)) {
  Deno.test(`${c.name} from a filesystem path`, async () => {
    const ds = await api.Dataset.importFrom(new URL(c.input, GENERATED).pathname);
    const actual = JSON.stringify(await describeDataset(ds));
    const { labels, subsets, items } = c.expected;
    if (actual !== JSON.stringify({ labels, subsets, items })) throw new Error(`mismatch: ${actual.slice(0, 300)}`);
  });
}

for (const backend of ['wasm', 'js']) {
  Deno.test(`exportToFiles on 3 worker_threads gives the bytes of 1 thread [${backend}]`, async () => {
    const detail = await encodeWorkersCheck(api, backend);
    if (detail !== null) throw new Error(detail);
  });
}

Deno.test('the wasm backend compiles under Deno', () => {
  api.setBackend('auto');
  if (api.getBackend() !== 'wasm') throw new Error(`backend is ${api.getBackend()}`);
  if (!api.wasmFeatures().simd) throw new Error('the SIMD module was not chosen');
});

// The official archives (.tar.gz, .tar, .zip) from bytes, Blob, Response and streams.
const archiveResults = await archiveChecks(api, { ...(await loadArchiveFixtures()), describeDataset });
for (const r of archiveResults) {
  Deno.test(`archive: ${r.name}`, () => {
    if (!r.ok) throw new Error(r.detail);
  });
}

// Native inflate: node:zlib (Deno's, the default) and fflate give the same datasets and errors.
// Deno's own DecompressionStream is left out: it reports a cut stream as "corrupt gzip stream
// does not have a matching checksum", the same words as a wrong CRC-32, so its errors cannot be
// mapped to ours (it is used only when asked for with setInflater('DecompressionStream')).
const inflateResults = await inflateChecks(api, { ...(await loadArchiveFixtures()), describeDataset, inflaters: ['node-zlib', 'fflate'], untested: ['DecompressionStream'] });
for (const r of inflateResults) {
  Deno.test(`inflate: ${r.name}`, () => {
    if (!r.ok) throw new Error(r.detail);
  });
}

Deno.test('an archive path is read as a stream', async () => {
  const ds = await api.Dataset.importFrom(new URL('../fixtures/archives/cifar-10-python.tar.gz', import.meta.url).pathname);
  if (ds.size !== 9 || ds.subsets().join() !== 'data_batch_1,data_batch_2,test_batch') throw new Error(`${ds.size} items, ${ds.subsets()}`);
});

// Run with --allow-read --allow-write only: dist/ must not read environment variables.
Deno.test('export to a folder and read it back, with read and write permissions alone', async () => {
  const parent = await Deno.makeTempDir({ prefix: 'cifarkit-deno-' });
  try {
    const source = new URL('py2-cifar10', GENERATED).pathname;
    const ds = await api.Dataset.importFrom(source);
    const out = `${parent}/out`;
    await ds.export(out, 'cifar', { saveMedia: true });
    const back = await api.Dataset.importFrom(out);
    const [a, b] = [JSON.stringify(await describeDataset(ds)), JSON.stringify(await describeDataset(back))];
    if (a !== b) throw new Error(`round trip differs: ${b.slice(0, 300)}`);
    // The output folder gets the mode a plain mkdir gives under the same umask.
    await Deno.mkdir(`${parent}/plain`);
    const [made, plain] = [(await Deno.stat(out)).mode & 0o777, (await Deno.stat(`${parent}/plain`)).mode & 0o777];
    if (made !== plain) throw new Error(`output folder mode ${made.toString(8)}, mkdir gives ${plain.toString(8)}`);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
