/**
 * Filesystem paths as dataset sources, for Node and Deno (through Deno's `node:` compatibility).
 * The only module of the package that touches a filesystem.
 */
import { close as fsClose, createReadStream, open as fsOpen, writev as fsWritev } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import * as nodePath from 'node:path';
import { archiveSource, isArchiveFileName, type ArchiveSourceOptions } from '../archive/index.js';
import { DecodeBudget, type ImportLimits } from '../limits.js';
import { CifarkitError, DatasetExportError, ErrorCode, UsageError } from '../errors.js';
import { countingTree, safeOutputPath, type DatasetSource, type FileEntry, type FileTree } from '../sources/file-tree.js';
import type { ExportedFile } from '../sources/file-tree.js';
import { killPoint, recoverStaging, removeStaleTemps, stagingPrefix } from './staging.js';

/**
 * A file's bytes in one buffer of its size, read with large reads (fs.promises.readFile reads in
 * 512 KiB steps and grows its result: measurably slower on 30 MB batch files). `into` gives the
 * buffer instead (reused by the caller: its pages are already mapped, so no page faults).
 */
async function readWhole(path: string, into?: (size: number) => Uint8Array): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const out = into ? into(size).subarray(0, size) : new Uint8Array(size);
    if (out.length !== size) throw new RangeError(`the buffer given for reading holds ${out.length} bytes, the file has ${size}`);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(out, at, Math.min(size - at, 1 << 24), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    // A file that shrank while being read: hand over what is there.
    return at === size ? out : out.subarray(0, at);
  } finally {
    await handle.close();
  }
}

function diskTree(rootDir: string, shownRoot: string): FileTree {
  const abs = (p: string) => (p === '' ? rootDir : nodePath.join(rootDir, p)); // '/' is a separator for join everywhere
  const display = (p: string) => (p === '' ? shownRoot : nodePath.join(shownRoot, p));
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
    async read(path, options) {
      try {
        return await readWhole(abs(path), options?.into);
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

/** Read size of an archive on disk: large reads, few chunks through the stream machinery (node:zlib then gets 1 MiB slices, see archive/index.ts). */
const ARCHIVE_READ = 1024 * 1024;

/** A path on disk (a dataset folder, a parent of one, or a single batch/meta file) as a source. */
export async function openPath(
  path: string,
  options: { limits?: ImportLimits; budget?: DecodeBudget; checkMember?: ArchiveSourceOptions['checkMember']; prepareMember?: ArchiveSourceOptions['prepareMember'] } = {},
): Promise<DatasetSource> {
  const { limits } = options;
  const budget = options.budget ?? new DecodeBudget(limits);
  const absolute = nodePath.resolve(path);
  let isFile: boolean;
  try {
    isFile = (await stat(absolute)).isFile();
  } catch (err) {
    throw new UsageError(ErrorCode.FILE_NOT_FOUND, 'no such file or folder', { file: path, cause: err });
  }
  if (isFile && isArchiveFileName(absolute)) {
    // Streamed: the archive is inflated and split into files as it is read.
    return archiveSource(Readable.toWeb(createReadStream(absolute, { highWaterMark: ARCHIVE_READ })) as ReadableStream<Uint8Array>, {
      name: path,
      limits,
      budget,
      checkMember: options.checkMember,
      prepareMember: options.prepareMember,
    });
  }
  if (isFile) {
    return { tree: countingTree(diskTree(nodePath.dirname(absolute), nodePath.dirname(path)), budget), start: nodePath.basename(absolute), limits, budget };
  }
  return { tree: countingTree(diskTree(absolute, path), budget), start: '', limits, budget };
}

/** How many files `writeFiles` writes at once, and how many bytes they may hold together. */
const MAX_FILES_IN_FLIGHT = 16;
const MAX_BYTES_IN_FLIGHT = 64 << 20;

/**
 * Creates a file that must not exist yet and writes its chunks with one gathered write (plus
 * more when the kernel takes less, or for more chunks than one writev call takes). No fsync:
 * durability is the page cache's, as with Python's `open(..., 'wb')`; the all-or-nothing rename
 * of the staging folder is what guarantees that no partial output is ever visible.
 */
async function writeNewFile(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  // The callback API on a plain descriptor: no FileHandle object per file, which measurably
  // costs the main thread when 10,000 small PNGs are written.
  const fd = await new Promise<number>((resolve, reject) => fsOpen(path, 'wx', (err, fd) => (err ? reject(err) : resolve(fd))));
  try {
    let pending = chunks.filter((c) => c.length > 0);
    while (pending.length > 0) {
      const batch = pending.slice(0, WRITEV_MAX_CHUNKS);
      let bytesWritten = await new Promise<number>((resolve, reject) => fsWritev(fd, batch, (err, n) => (err ? reject(err) : resolve(n))));
      // Drop what was written; a partly written chunk continues from where the kernel stopped.
      let i = 0;
      while (i < batch.length && bytesWritten >= batch[i]!.length) bytesWritten -= batch[i++]!.length;
      pending = i < batch.length ? [batch[i]!.subarray(bytesWritten), ...pending.slice(i + 1)] : pending.slice(i);
    }
  } finally {
    await new Promise<void>((resolve, reject) => fsClose(fd, (err) => (err ? reject(err) : resolve())));
  }
}

/** IOV_MAX on Linux and macOS. */
const WRITEV_MAX_CHUNKS = 1024;

/**
 * Writes exported files into `dir` all or nothing: into a temporary sibling folder first, which
 * replaces `dir` by a rename only when every file is written. A failure leaves no partial output
 * and an earlier `dir` untouched. A non-empty `dir` is refused unless `overwrite`.
 */
export async function writeFiles(dir: string, files: AsyncIterable<ExportedFile>, options: { overwrite?: boolean } = {}): Promise<number> {
  const target = nodePath.resolve(dir);
  await recoverStaging(nodePath.dirname(target), nodePath.basename(target)); // what a killed export left (see staging.ts)
  let existing: string[] | null = null;
  try {
    const s = await stat(target);
    if (!s.isDirectory()) throw new UsageError(ErrorCode.OUTPUT_NOT_EMPTY, 'the output path exists and is not a folder', { file: dir });
    existing = await readdir(target);
  } catch (err) {
    if (err instanceof CifarkitError) throw err;
  }
  if (existing && existing.length > 0 && !options.overwrite) {
    throw new UsageError(ErrorCode.OUTPUT_NOT_EMPTY, `the output folder is not empty (${existing.length} entries); pass overwrite to replace it`, { file: dir });
  }
  const parent = nodePath.dirname(target);
  const base = nodePath.basename(target);
  await mkdir(parent, { recursive: true });
  const staging = await makeStagingFolder(parent, stagingPrefix(base));
  let count = 0;
  // Writes run concurrently (the thread pool creates small files in parallel, and the exporter
  // prepares the next file while the previous one is written), bounded in files and in bytes.
  const inFlight = new Set<Promise<void>>();
  let bytesInFlight = 0;
  let failure: { err: unknown } | null = null;
  const made = new Set<string>();
  try {
    const written = new Set<string>();
    for await (const file of files) {
      // An image being encoded elsewhere may fail after this loop has stopped: never unhandled.
      if (file.data instanceof Promise) file.data.catch(() => {});
      if (failure) break;
      const rel = safeOutputPath(file.path);
      if (written.has(rel)) throw new DatasetExportError(ErrorCode.UNSAFE_PATH, `two items would both be written to '${rel}'`, { file: rel });
      written.add(rel);
      const abs = nodePath.join(staging, rel);
      const folder = nodePath.dirname(abs);
      if (!made.has(folder)) {
        await mkdir(folder, { recursive: true });
        made.add(folder);
      }
      const data = file.data;
      // An image still being encoded on another thread: counted as small until it arrives.
      const size = data instanceof Promise ? 0 : data instanceof Uint8Array ? data.length : data.reduce((n, c) => n + c.length, 0);
      while (inFlight.size >= MAX_FILES_IN_FLIGHT || (inFlight.size > 0 && bytesInFlight + size > MAX_BYTES_IN_FLIGHT)) {
        await Promise.race(inFlight);
      }
      if (failure) break;
      bytesInFlight += size;
      const write = Promise.resolve(data)
        .then((bytes) => writeNewFile(abs, bytes instanceof Uint8Array ? [bytes] : bytes))
        .then(
        () => file.release?.(),
        (err: unknown) => {
          failure ??= { err };
        },
      );
      const tracked: Promise<void> = write.finally(() => {
        bytesInFlight -= size;
        inFlight.delete(tracked);
      });
      inFlight.add(tracked);
      count++;
      killPoint(`file:${count}`);
    }
    await Promise.all(inFlight);
    if (failure) throw (failure as { err: unknown }).err;
    killPoint('before-swap');
    if (existing) {
      // Swap: move the old folder aside, the new one in, then delete the old one.
      const old = `${staging}.old`;
      await rename(target, old);
      killPoint('between-renames');
      try {
        await rename(staging, target);
      } catch (err) {
        await rename(old, target);
        throw err;
      }
      killPoint('before-cleanup');
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(staging, target);
    }
  } catch (err) {
    // No write may still be running when the staging folder is removed.
    await Promise.all(inFlight);
    await rm(staging, { recursive: true, force: true });
    if (err instanceof CifarkitError) throw err;
    throw new UsageError(ErrorCode.WRITE_FAILED, `writing the output failed: ${(err as Error).message}`, { file: dir, cause: err });
  }
  return count;
}

/**
 * A new, empty staging folder `<prefix>XXXXXX` in `parent`. Made with mkdir rather than mkdtemp:
 * mkdtemp's folder is mode 0700 whatever the umask, and the staging folder becomes the output,
 * which must get the permissions a plain mkdir gives (0777 less the umask).
 */
async function makeStagingFolder(parent: string, prefix: string): Promise<string> {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  for (let attempt = 0; ; attempt++) {
    const random = crypto.getRandomValues(new Uint8Array(6));
    const path = nodePath.join(parent, prefix + Array.from(random, (b) => letters[b % letters.length]).join(''));
    try {
      await mkdir(path);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw err;
    }
  }
}

/** Writes one file all or nothing (a temporary file in the same folder, then a rename). */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: { overwrite?: boolean } = {}): Promise<void> {
  const target = nodePath.resolve(path);
  if (!options.overwrite) {
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (exists) throw new UsageError(ErrorCode.OUTPUT_NOT_EMPTY, 'the output file exists; pass overwrite to replace it', { file: path });
  }
  await mkdir(nodePath.dirname(target), { recursive: true });
  await removeStaleTemps(target);
  const temp = `${target}.cifarkit-${process.pid}-${Date.now()}.tmp`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    killPoint('atomic-before-rename');
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    if (err instanceof CifarkitError) throw err;
    throw new UsageError(ErrorCode.WRITE_FAILED, `writing failed: ${(err as Error).message}`, { file: path, cause: err });
  }
}

/** A text file's content, or null when there is no such file. */
export async function readTextFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `cannot read: ${(err as Error).message}`, { file: path, cause: err });
  }
}

/** Whether a path exists, and what it is. */
export async function pathKind(path: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/** Creates a folder (and its parents). */
export async function makeDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}
