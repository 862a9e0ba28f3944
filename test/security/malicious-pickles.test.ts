/**
 * No code execution: every pickle of test/fixtures/malicious (written opcode by opcode by its
 * generate.py, never unpickled) is refused with its code, the message naming the global; each
 * payload would create the canary file if anything ran.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../../src/index.js';
import { readPickle } from '../../src/pickle/index.js';
import { expectCifarkitError } from '../helpers.js';

const dir = join(import.meta.dirname, '../fixtures/malicious');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
  canary: string;
  cases: Record<string, { code: string; mentions: string[]; note: string }>;
};
const cases = Object.entries(manifest.cases);
const file = (name: string) => new Uint8Array(readFileSync(join(dir, `${name}.pkl`)));
const meta = new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/generated/py3-proto4/batches.meta')));

describe('malicious pickles are refused and nothing runs', () => {
  beforeAll(() => rmSync(manifest.canary, { force: true }));
  afterAll(() => {
    // The canary: every payload above would have created it.
    expect(existsSync(manifest.canary)).toBe(false);
  });

  it('covers the attack families of the issue', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    for (const name of ['os-system-p0', 'posix-system', 'builtins-eval', 'builtins-exec', 'subprocess-popen-p4', 'getattr-import', 'stack-global-codecs', 'inst-os-system', 'obj-os-system', 'ext1', 'ext2', 'ext4', 'persid', 'binpersid', 'numpy-load', 'numpy-testing-runstring', 'numpy-f2py-compile', 'build-ndarray-global-state']) {
      expect(manifest.cases[name], name).toBeDefined();
    }
  });

  for (const [name, c] of cases) {
    it(`${name}: ${c.code} naming ${c.mentions.join(', ') || '-'}${c.note ? ` (${c.note})` : ''}`, async () => {
      const input = file(name);
      const before = input.slice();
      const err = await expectCifarkitError(() => readPickle(input, { file: name }), c.code, [name, ...c.mentions]);
      expect(err.file).toBe(name);
      if (c.code === 'PICKLE_FORBIDDEN_GLOBAL') expect(err.message).toContain('nothing was executed');
      expect(input).toEqual(before); // the input is never written to
      // The same file as a CIFAR batch beside a valid meta file: the same refusal, through the importer.
      await expectCifarkitError(
        () => Dataset.importFrom({ 'batches.meta': meta, data_batch_1: input }, 'cifar'),
        c.code,
        ['data_batch_1', ...c.mentions],
      );
      expect(existsSync(manifest.canary)).toBe(false);
    });
  }

  it('a BUILD on an allowlisted global does not change it for later reads', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => readPickle(file('build-on-allowed-function'))).toThrow(/BUILD on an object/);
    }
    // numpy.ndarray still works where it is allowed: inside _reconstruct.
    const ok = readFileSync(join(import.meta.dirname, '../fixtures/generated/py3-proto4/data_batch_1'));
    expect(readPickle(new Uint8Array(ok))).toBeInstanceOf(Map);
  });

  it('SETITEM on a bytes value neither writes into the input nor succeeds', () => {
    const input = file('setitem-on-bytes');
    expect(() => readPickle(input)).toThrow(/SETITEM on bytes/);
    expect(new TextDecoder().decode(input.subarray(4, 8))).toBe('abcd');
  });

  it('Object.prototype is untouched after all of them', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });
});
