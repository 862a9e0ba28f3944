/**
 * writeFiles (src/io/node-fs.ts): concurrent, gathered writes must still give every file's exact
 * bytes, hand memory back only after the bytes are written, and stay all or nothing.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFiles } from '../../src/io/node-fs.js';
import type { ExportedFile } from '../../src/sources/file-tree.js';
import { expectCifarkitError, noise } from '../helpers.js';

const dirs: string[] = [];
function tempParent(): string {
  const d = mkdtempSync(join(tmpdir(), 'cifarkit-write-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function* fromArray(files: ExportedFile[]): AsyncIterable<ExportedFile> {
  for (const f of files) yield f;
}

describe('writeFiles', () => {
  it('writes many files in nested folders and files of more chunks than one writev takes, byte for byte', async () => {
    const parent = tempParent();
    const files: ExportedFile[] = [];
    const expected = new Map<string, Uint8Array>();
    for (let i = 0; i < 300; i++) {
      const data = noise(1 + (i % 97) * 13, i + 1);
      const path = `${['cat', 'dog', 'a/b/c'][i % 3]}/${i}.png`;
      files.push({ path, data });
      expected.set(path, data);
    }
    // 3000 chunks of 1..7 bytes, some empty: more than IOV_MAX (1024) per call.
    const chunks = Array.from({ length: 3000 }, (_, i) => noise(i % 8, i + 7));
    files.push({ path: 'many-chunks.bin', data: chunks });
    expected.set('many-chunks.bin', Uint8Array.from(chunks.flatMap((c) => [...c])));
    const out = join(parent, 'out');
    expect(await writeFiles(out, fromArray(files))).toBe(301);
    for (const [path, data] of expected) expect(new Uint8Array(readFileSync(join(out, path))), path).toEqual(data);
    expect(readdirSync(out).sort()).toEqual(['a', 'cat', 'dog', 'many-chunks.bin']);
  });

  it('calls release once per file, only after that file is on disk, and before writeFiles returns', async () => {
    const parent = tempParent();
    const out = join(parent, 'out');
    const released: string[] = [];
    const files: ExportedFile[] = Array.from({ length: 40 }, (_, i) => {
      const path = `f${i}.bin`;
      const data = [noise(1000, i + 1), noise(5, i + 2)];
      return {
        path,
        data,
        release: () => {
          // The staging folder holds the whole file when its memory is handed back.
          const staging = readdirSync(parent).find((n) => n.startsWith('.out.cifarkit-'))!;
          expect(readFileSync(join(parent, staging, path)).length).toBe(1005);
          released.push(path);
        },
      };
    });
    await writeFiles(out, fromArray(files));
    expect(released.sort()).toEqual(files.map((f) => f.path).sort());
  });

  it('a write that fails while others are in flight leaves no output and no staging folder', async () => {
    const parent = tempParent();
    const out = join(parent, 'out');
    const files: ExportedFile[] = Array.from({ length: 20 }, (_, i) => ({ path: `d/${i}.bin`, data: noise(100, i + 1) }));
    // A file where a later file needs a folder: its mkdir fails with ENOTDIR/EEXIST.
    files.splice(10, 0, { path: 'x', data: noise(3, 9) }, { path: 'x/y.bin', data: noise(3, 10) });
    await expectCifarkitError(() => writeFiles(out, fromArray(files)), 'WRITE_FAILED', [out]);
    expect(readdirSync(parent)).toEqual([]);
  });
});
