/**
 * Paths: archive entries never name anything outside the archive's root (archives are read in
 * memory, never extracted; links are skipped), and no exporter writes outside its output folder
 * whatever the ids, subset names and label names say.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { archiveSource } from '../../src/archive/index.js';
import { Dataset, DatasetItem, Image, Label, type FormatName } from '../../src/index.js';
import { safeOutputPath } from '../../src/sources/file-tree.js';
import { paxBody, tar } from '../archive/tar-writer.js';
import { expectCifarkitError } from '../helpers.js';

const enc = new TextEncoder();
const HOSTILE = ['../evil', 'a/../../evil', '/etc/evil', 'C:/evil', 'C:\\evil', 'a\\..\\..\\evil', '\\\\server\\share\\evil', 'x\0y', '..'];
const WHY: Record<string, string> = {
  '../evil': "has a '..' part",
  'a/../../evil': "has a '..' part",
  '/etc/evil': 'is absolute',
  'C:/evil': 'is absolute',
  'C:\\evil': 'is absolute',
  'a\\..\\..\\evil': "has a '..' part",
  '\\\\server\\share\\evil': 'is absolute',
  'x\0y': 'contains a NUL character',
  '..': "has a '..' part",
};

describe('archive entries', () => {
  for (const name of HOSTILE) {
    const shown = JSON.stringify(name);
    it(`${shown} is refused in a tar name, a ustar prefix, a GNU long name, a pax path and a zip`, async () => {
      const why = WHY[name]!;
      const data = Uint8Array.of(1, 2, 3);
      // A NUL ends a tar header's name field and a GNU long name (C strings): only pax can carry one.
      const variants: [string, Uint8Array][] = [['pax path', tar([{ name: 'PaxHeader', type: 'x', data: paxBody({ path: name }) }, { name: 'short', data }])]];
      if (!name.includes('\0')) {
        variants.push(['tar name', tar([{ name: 'ok', nameBytes: enc.encode(name), data }])]);
        variants.push(['GNU long name', tar([{ name: '././@LongLink', type: 'L', data: enc.encode(`${name}\0`) }, { name: 'short', data }])]);
      }
      if (!name.includes('\0')) variants.push(['zip', zipSync({ [name]: data })]);
      if (name.includes('/') && !name.startsWith('/') && name.lastIndexOf('/') < 100) {
        // ustar: prefix (345..500) + name.
        const cut = name.lastIndexOf('/');
        const t = tar([{ name: name.slice(cut + 1), data }]);
        t.set(enc.encode(name.slice(0, cut)), 345);
        t.fill(0x20, 148, 156);
        let sum = 0;
        for (const b of t.subarray(0, 512)) sum += b;
        t.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
        variants.push(['ustar prefix', t]);
      }
      for (const [how, archive] of variants) {
        const err = await expectCifarkitError(() => archiveSource(archive, { name: how }), 'UNSAFE_PATH', ['archive entry', why]);
        expect(err.file, how).toBe(how);
      }
    });
  }

  it('links are skipped, whatever they point to, and a file "through" a link is an ordinary path in memory', async () => {
    const canary = join(tmpdir(), `cifarkit-link-canary-${process.pid}`);
    const archive = tar([
      { name: 'd/sym', type: '2', data: new Uint8Array(0) },
      { name: 'd/hard', type: '1', data: new Uint8Array(0) },
      { name: 'd/outside', type: '2' },
      { name: 'd/sym/pwned', data: enc.encode('x') },
    ]);
    // Link targets in the header's linkname field (157..257), checksum fixed.
    for (const [block, target] of [[0, '/etc/passwd'], [1, '../../../etc/shadow'], [2, canary]] as const) {
      const at = block * 512;
      archive.set(enc.encode(target), at + 157);
      archive.fill(0x20, at + 148, at + 156);
      let sum = 0;
      for (const b of archive.subarray(at, at + 512)) sum += b;
      archive.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), at + 148);
    }
    const source = await archiveSource(archive);
    expect(source.tree.skipped).toEqual([
      { path: 'd/sym', reason: "symbolic link to '/etc/passwd'" },
      { path: 'd/hard', reason: "hard link to '../../../etc/shadow'" },
      { path: 'd/outside', reason: `symbolic link to '${canary}'` },
    ]);
    expect(await source.tree.kind('d/sym')).toBe('dir'); // only because of d/sym/pwned, in memory
    expect(await source.tree.read('d/sym/pwned')).toEqual(enc.encode('x'));
    expect(existsSync(canary)).toBe(false);
  });
});

function dataset(field: 'id' | 'subset' | 'label', value: string): Dataset {
  const item = new DatasetItem({
    id: field === 'id' ? value : 'img',
    subset: field === 'subset' ? value : 'train',
    media: new Image(new Uint8Array(28 * 28), 28, 28, 1, { ext: '.png' }),
    annotations: [new Label(0)],
  });
  return Dataset.fromIterable([item], { labels: [field === 'label' ? value : 'cat'] });
}

describe('in-memory files', () => {
  for (const name of ['../x', 'cifar/../../x', 'a\\..\\..\\x', '..']) {
    it(`a file named ${JSON.stringify(name)} is refused with UNSAFE_PATH, as the archive entry would be`, async () => {
      const err = await expectCifarkitError(() => Dataset.importFrom({ [name]: new Uint8Array(4), 'batches.meta': new Uint8Array(4) }), 'UNSAFE_PATH', [`'${name}' climbs out of the files given`]);
      expect(err.file).toBe(name);
    });
  }

  it("a leading '/' or './' is only a spelling of the same relative name (nothing on disk is involved)", async () => {
    await expectCifarkitError(() => Dataset.importFrom({ '/a/x.bin': new Uint8Array(1), './a/x.bin': new Uint8Array(1) }), 'INVALID_ARGUMENT', ["in-memory file 'a/x.bin' is given twice"]);
  });
});

/** Every file under `dir`, resolved: all must be inside it. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(realpathSync(p));
    }
  };
  walk(dir);
  return out;
}

describe('exporters never write outside the output folder', () => {
  const FORMATS = ['cifar', 'imagenet', 'imagenet_with_subset_dirs', 'imagenet_txt', 'mnist'];
  const VALUES = ['../x', '../../x', 'a/../../x', '/abs/x', 'C:/x', 'a\\..\\..\\x', 'x\0y', '..', '.'];
  for (const format of FORMATS) {
    for (const field of ['id', 'subset', 'label'] as const) {
      it(`${format}: hostile ${field}s are written inside or refused (UNSAFE_PATH / EXPORT_UNSUPPORTED)`, async () => {
        for (const value of VALUES) {
          const base = realpathSync(mkdtempSync(join(tmpdir(), 'cifarkit-paths-')));
          mkdirSync(join(base, 'a', 'b'), { recursive: true });
          const out = join(base, 'a', 'b', 'out');
          const ds = dataset(field, value);
          // In memory: every path is a safe relative path already.
          try {
            for (const path of (await ds.exportToFiles(format as FormatName, { saveMedia: true })).keys()) expect(safeOutputPath(path)).toBe(path);
          } catch (err) {
            expect(['UNSAFE_PATH', 'EXPORT_UNSUPPORTED'], `${format} ${field} ${JSON.stringify(value)}: ${(err as Error).message}`).toContain((err as { code?: string }).code);
          }
          try {
            await ds.export(out, format as FormatName, { saveMedia: true });
            for (const f of filesUnder(out)) expect(f.startsWith(out + sep), f).toBe(true);
          } catch (err) {
            expect(['UNSAFE_PATH', 'EXPORT_UNSUPPORTED'], `${format} ${field} ${JSON.stringify(value)}: ${(err as Error).message}`).toContain((err as { code?: string }).code);
            expect(existsSync(out)).toBe(false);
          }
          // Nothing beside or above the output folder.
          expect(readdirSync(base)).toEqual(['a']);
          expect(readdirSync(join(base, 'a'))).toEqual(['b']);
          expect(readdirSync(join(base, 'a', 'b')).filter((n) => n !== 'out')).toEqual([]);
        }
      });
    }
  }

  it('image file names built from ids and labels with ".." are refused with UNSAFE_PATH naming the item', async () => {
    for (const format of ['imagenet', 'imagenet_with_subset_dirs', 'imagenet_txt']) {
      await expectCifarkitError(() => dataset('id', '../../x').exportToFiles(format as FormatName, { saveMedia: true }), 'UNSAFE_PATH', ["item '../../x'", "'..' part"]);
    }
    await expectCifarkitError(() => dataset('label', '../x').exportToFiles('imagenet', { saveMedia: true }), 'UNSAFE_PATH', ["item 'img'", "'../x/img.png'"]);
    await expectCifarkitError(() => dataset('subset', '..').exportToFiles('imagenet_with_subset_dirs', { saveMedia: true }), 'UNSAFE_PATH', ["'../cat/img.png'"]);
  });
});
