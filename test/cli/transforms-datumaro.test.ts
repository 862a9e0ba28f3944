/**
 * End-to-end: the new transforms through `cifarkit transform -t NAME -- <Datumaro's options>` with
 * the built binary, compared with what the real Datumaro 1.9.1 wrote for the same command
 * (test/fixtures/datumaro-transforms/expected.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { sha256 } from '../helpers.js';
import { cli, requireBuiltCli, ROOT, tempDir } from './binary.js';

const DIR = join(ROOT, 'test/fixtures/datumaro-transforms');
const INPUT = join(DIR, 'input-cifar10');
const CASES = (JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { cases: { name: string; argv: string[]; transform: string; expected: { items: { subset: string; id: string; sha256?: string }[] } }[] }).cases;

requireBuiltCli();

describe('transform -t NAME -- <Datumaro options>', () => {
  for (const name of ['split-42', 'resize-up-cubic', 'label_random_sampler-2', 'ndr-cut-random', 'reindex-each-subset']) {
    it(`${name}: the same items as Datumaro`, async () => {
      const c = CASES.find((x) => x.name === name)!;
      const out = join(tempDir(), 'out');
      const r = cli('transform', '-t', c.transform, '-i', INPUT, '-o', out, '--', ...c.argv);
      expect(r.code, r.stderr).toBe(0);
      const back = await Dataset.importFrom(out);
      const key = (subset: string, id: string, sha?: string) => `${subset}/${id}/${sha}`;
      expect([...back].map((i) => key(i.subset, i.id, sha256(i.media!.data))).sort()).toEqual(c.expected.items.map((i) => key(i.subset, i.id, i.sha256)).sort());
    });
  }

  it("refuses sort's Python --key with exit 2 and writes nothing", () => {
    const out = join(tempDir(), 'out');
    const r = cli('transform', '-t', 'sort', '-i', INPUT, '-o', out, '--', '-k', 'lambda item: item.id');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Python expression');
    expect(existsSync(out)).toBe(false);
  });
});
