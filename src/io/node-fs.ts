/**
 * Filesystem paths as dataset sources, for Node and Deno (through Deno's `node:` compatibility).
 * The only module of the package that touches a filesystem.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { ErrorCode, UsageError } from '../errors.js';
import type { DatasetSource, FileEntry, FileTree } from '../formats/file-tree.js';

function diskTree(rootDir: string, shownRoot: string): FileTree {
  const abs = (p: string) => (p === '' ? rootDir : nodePath.join(rootDir, ...p.split('/')));
  const display = (p: string) => (p === '' ? shownRoot : nodePath.join(shownRoot, ...p.split('/')));
  async function kindOf(path: string): Promise<'file' | 'dir' | null> {
    try {
      const s = await stat(abs(path));
      return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
    } catch {
      return null;
    }
  }
  return {
    label: shownRoot,
    display,
    kind: kindOf,
    async list(dir) {
      let dirents;
      try {
        dirents = await readdir(abs(dir), { withFileTypes: true });
      } catch {
        return [];
      }
      const entries: FileEntry[] = [];
      for (const d of dirents) {
        let kind: 'file' | 'dir' | null = d.isDirectory() ? 'dir' : d.isFile() ? 'file' : null;
        if (d.isSymbolicLink()) kind = await kindOf(dir === '' ? d.name : `${dir}/${d.name}`);
        if (kind) entries.push({ name: d.name, kind });
      }
      return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async read(path) {
      try {
        const buf = await readFile(abs(path));
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (err) {
        const code = (err as { code?: string }).code;
        throw new UsageError(code === 'ENOENT' ? ErrorCode.FILE_NOT_FOUND : ErrorCode.INVALID_ARGUMENT, `cannot read: ${(err as Error).message}`, {
          file: display(path),
          cause: err,
        });
      }
    },
  };
}

/** A path on disk (a dataset folder, a parent of one, or a single batch/meta file) as a source. */
export async function openPath(path: string): Promise<DatasetSource> {
  const absolute = nodePath.resolve(path);
  let isFile: boolean;
  try {
    isFile = (await stat(absolute)).isFile();
  } catch (err) {
    throw new UsageError(ErrorCode.FILE_NOT_FOUND, 'no such file or folder', { file: path, cause: err });
  }
  if (isFile) {
    return { tree: diskTree(nodePath.dirname(absolute), nodePath.dirname(path)), start: nodePath.basename(absolute) };
  }
  return { tree: diskTree(absolute, path), start: '' };
}
