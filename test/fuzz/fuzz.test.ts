/**
 * A short seeded slice of `npm run fuzz` (scripts/fuzz-lib.mjs), in process over src/: every
 * case must give a result or a CifarkitError with a known code, never another exception.
 * The full run (≥ 100,000 cases, in workers with a per-case timeout) is `npm run fuzz`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as index from '../../src/index.js';
import * as pickle from '../../src/pickle/index.js';
import { ErrorCode } from '../../src/index.js';

/** The API and the cifarkit/pickle subpath, as the fuzz cases use them. */
const api = { ...index, ...pickle };
import { loadCorpus, makeCase, runCase, scanPickle, OPCODES } from '../../scripts/fuzz-lib.mjs';

const SEED = 20261123;
const CASES = 2500;
const repo = join(import.meta.dirname, '../..');

describe('fuzz slice', () => {
  it('the corpus covers every reader, and cases are reproducible from (seed, index)', async () => {
    const corpus = await loadCorpus(api, repo);
    const targets = new Set(corpus.entries.map((e) => e.target));
    expect([...targets].sort()).toEqual(['archive', 'cifar', 'imagenet', 'imagenet_txt', 'imagenet_with_subset_dirs', 'mnist', 'pickle']);
    expect(corpus.entries.length).toBeGreaterThan(150);
    const a = makeCase(corpus, SEED, 17);
    const b = makeCase(corpus, SEED, 17);
    expect(b.how).toBe(a.how);
    expect(b.files[b.path]).toEqual(a.files[a.path]);
    expect(makeCase(corpus, SEED + 1, 17).files[a.path]).not.toEqual(a.files[a.path]);
    expect(OPCODES.length).toBe(68); // every opcode of protocols 0-5
    expect(scanPickle(Uint8Array.of(0x80, 2, 0x4b, 1, 0x2e)).map((o) => o.op)).toEqual([0x80, 0x4b, 0x2e]);
  });

  it(`${CASES} seeded cases: a result or a CifarkitError, nothing else`, async () => {
    const corpus = await loadCorpus(api, repo);
    const codes = new Set<string>(Object.values(ErrorCode));
    const findings: string[] = [];
    const outcomes = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const c = makeCase(corpus, SEED, i);
      const r = await runCase(api, c);
      outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
      if (r.finding) findings.push(`case ${i} [${c.target} ${c.entry} ${c.how}]: ${r.finding} — repro: node scripts/fuzz.mjs --seed ${SEED} --case ${i}`);
      else if (r.outcome !== 'ok') expect(codes.has(r.outcome), r.outcome).toBe(true);
    }
    expect(findings).toEqual([]);
    // The slice reaches past the parsers: successes, and refusals of several kinds.
    expect(outcomes.get('ok')).toBeGreaterThan(CASES / 10);
    for (const code of ['PICKLE_CORRUPT', 'PICKLE_TRUNCATED', 'ARCHIVE_CORRUPT', 'IMAGE_DECODE_FAILED', 'IDX_INVALID', 'NDARRAY_INVALID']) {
      expect(outcomes.get(code), code).toBeGreaterThan(0);
    }
  });
});

describe('npm run fuzz (scripts/fuzz.mjs over dist/)', () => {
  // The per-case timeout is far above any real case's time (< 0.5 s) so that a loaded machine
  // (CI shares two cores) cannot turn a slow case into a third finding.
  it('reports a hanging case and a dying worker with their repro lines, and finishes the run', () => {
    const r = spawnSync(
      process.execPath,
      [join(repo, 'scripts/fuzz.mjs'), '--seed', '5', '--cases', '120', '--workers', '2', '--timeout', '10000', '--selftest-hang', '40', '--selftest-exit', '90'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('fuzz: seed 5, 120 cases, 2 workers, timeout 10000 ms per case');
    expect(r.stdout).toContain('FINDING case 40 [? ? ?] hang: case still running after 10000 ms');
    expect(r.stdout).toContain('repro: node scripts/fuzz.mjs --seed 5 --case 40 --save /tmp/cifarkit-fuzz-5-40');
    expect(r.stdout).toContain('FINDING case 90 [? ? ?] worker exited with code 3');
    expect(r.stdout).toMatch(/fuzz: seed 5: 120 cases in [\d.]+ s \(\d+\/s\), 2 findings/);
  });
});
