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
