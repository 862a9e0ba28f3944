/** Inputs that crashed or misbehaved (fuzzer findings and review), each with the exact error it must give now. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset, type FormatName } from '../../src/index.js';
import { expectCifarkitError } from '../helpers.js';

const dir = join(import.meta.dirname, '../fixtures/fuzz-regressions');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
  string,
  { found: string; bug: string; input: 'folder' | 'archive'; format: string; code: string; mentions: string[] }
>;

function folder(path: string): Record<string, Uint8Array> {
  return Object.fromEntries(readdirSync(path).map((f) => [f, new Uint8Array(readFileSync(join(path, f)))]));
}

describe('fuzz regressions', () => {
  it('every fixture is in the manifest', () => {
    expect(readdirSync(dir).filter((f) => f !== 'manifest.json').sort()).toEqual(Object.keys(manifest).sort());
  });

  for (const [name, c] of Object.entries(manifest)) {
    it(`${name}: ${c.code} (${c.bug})`, async () => {
      const path = join(dir, name);
      const input = statSync(path).isDirectory() ? folder(path) : new Uint8Array(readFileSync(path));
      const copy = structuredClone(input);
      const before = process.memoryUsage().arrayBuffers;
      // In memory, and from the path on disk.
      await expectCifarkitError(() => Dataset.importFrom(input, c.format as FormatName | undefined), c.code, c.mentions);
      await expectCifarkitError(() => Dataset.importFrom(path, c.format as FormatName | undefined), c.code, c.mentions.slice(1));
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
      expect(input).toEqual(copy); // the input is not written to
    });
  }
});
