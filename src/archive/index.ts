/**
 * Dataset archives as sources: the official `cifar-10-python.tar.gz` / `cifar-100-python.tar.gz`
 * as downloaded, and .tar, .tgz, .zip alike, read from bytes, a Blob/File, a fetch Response, a
 * web ReadableStream or a URL. Web-standard APIs and fflate only (node:zlib when the Node/Deno
 * entry point installs it); no filesystem.
 *
 * Memory: a .tar(.gz) is read as a stream (the runtime's native gunzip or fflate's, see
 * inflate.ts, then a streaming tar reader): only the regular files' bytes are kept, one buffer per entry; the inflated tar is
 * never held whole. The returned tree hands each file's bytes over once and forgets them, so a
 * dataset decoded batch by batch does not coexist with all of its raw files. A .zip is read
 * through its central directory (see zip.ts), holding the compressed bytes while inflating.
 *
 * The archive's own paths are the tree's (`cifar-10-batches-py/data_batch_1`) and the source
 * starts at its root, so the formats' usual root search (CIFAR: the meta file up to 3 levels
 * down) finds the dataset folder as it does on disk.
 */
import { concatBytes } from '../bytes.js';
import { DatasetImportError, ErrorCode, UsageError } from '../errors.js';
import { DEFAULT_LIMITS, DecodeBudget, resolveLimits } from '../limits.js';
import type { DatasetSource, MemberCheck, MemberPrepare } from '../sources/file-tree.js';
import { getInflater, gunzipStream, type InflaterName } from './inflate.js';
import { archiveLabel, inputChunks, isArchiveInput, type ArchiveInput } from './input.js';
import { checksumOk, TarReader, type ArchiveLimits } from './tar.js';
import { ArchiveTreeBuilder, type ArchiveTree, type SkippedEntry } from './tree.js';
import { readZip } from './zip.js';

export { isArchiveInput, type ArchiveInput, type ArchiveTree, type ArchiveLimits, type SkippedEntry };

/** Default limits (see src/limits.ts): generous for CIFAR (the archives inflate to ~180 MB and hold ~10 entries). */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = DEFAULT_LIMITS;

export interface ArchiveSourceOptions {
  /** How to name the archive in messages (default: a File's or URL's name, else '<archive>'). */
  name?: string;
  /** Refuse archives inflating to more bytes, or holding more entries, than these. */
  limits?: Partial<ArchiveLimits>;
  /** The decode budget of the import this archive is part of (one of its own when absent). */
  budget?: DecodeBudget;
  /**
   * Looks at the first bytes of each file entry before it is collected (`MEMBER_SNIFF_BYTES`,
   * 16): an error returned refuses the entry: over 64 MiB, the archive at once (throws it);
   * smaller, its bytes are not kept and reading it throws it (a later entry of the same path
   * still replaces it, as extraction does). The importers pass the formats' checks (a CIFAR batch must start like a
   * pickle).
   */
  checkMember?: MemberCheck;
  /**
   * Works on each file entry as soon as it is in, while the rest of the archive still inflates
   * (the importers pass the formats' own: a CIFAR batch is unpickled then); what it makes is the
   * tree's `prepared(path)`.
   */
  prepareMember?: MemberPrepare;
}


/** A source over an archive: its tree (read-once files, see {@link ArchiveTree}) from the archive's root. */
export interface ArchiveSource extends DatasetSource {
  tree: ArchiveTree;
  start: '';
}

/** Enough bytes to see the tar magic at 257..262. */
const SNIFF_BYTES = 263;

/** Whether bytes start like gzip (1f 8b), zip (PK\x03\x04 / PK\x05\x06, an empty zip) or tar ('ustar' at 257). */
export function sniffArchive(head: Uint8Array): 'gzip' | 'zip' | 'tar' | null {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (head.length >= 262 && String.fromCharCode(...head.subarray(257, 262)) === 'ustar') return 'tar'; // spread-ok: 5 bytes
  return null;
}

/** Whether a file name says archive (.tar, .tar.gz, .tgz, .zip): for routing paths in src/io. */
export function isArchiveFileName(name: string): boolean {
  return /\.(tar|tar\.gz|tgz|zip)$/i.test(name);
}

/**
 * Reads an archive (.tar, .tar.gz/.tgz, .zip; told apart by content, not name) into a source
 * whose files can be read once. Entries with an absolute path, a '..' part or a NUL are refused
 * (UNSAFE_PATH); of two entries with the same path the later wins, as extraction does; links,
 * devices and FIFOs are left out (listed in `tree.skipped`). Errors: ARCHIVE_CORRUPT,
 * ARCHIVE_TRUNCATED, ARCHIVE_TOO_LARGE, UNSAFE_PATH, never a raw exception.
 *
 * ```ts
 * const source = await archiveSource(await fetch('cifar-10-python.tar.gz'));
 * const { items } = await importSource(source, 'cifar');
 * ```
 */
export async function archiveSource(input: ArchiveInput, options: ArchiveSourceOptions = {}): Promise<ArchiveSource> {
  if (!isArchiveInput(input)) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'an archive must be a Uint8Array, ArrayBuffer, Blob, Response, ReadableStream or URL');
  }
  const label = archiveLabel(input, options.name);
  const limits = options.budget?.limits ?? resolveLimits(options.limits);
  const budget = options.budget ?? new DecodeBudget(limits);
  const chunks = countedChunks(await inputChunks(input, label), budget);
  try {
    // The first bytes, to tell the kind of archive.
    const head: Uint8Array[] = [];
    let headSize = 0;
    while (headSize < SNIFF_BYTES) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(next.value);
      headSize += next.value.length;
    }
    const first = head.length === 1 ? head[0]! : concatBytes(head);
    const kind = sniffArchive(first) ?? (first.length >= 512 && checksumOk(first.subarray(0, 512)) ? 'tar' : null);
    if (kind === null) {
      if (first.length === 0) throw new DatasetImportError(ErrorCode.ARCHIVE_TRUNCATED, 'the archive is empty', { file: label });
      throw new DatasetImportError(ErrorCode.ARCHIVE_CORRUPT, 'not a .tar, .tar.gz/.tgz or .zip archive', { file: label });
    }

    const { checkMember, prepareMember } = options;
    const tree = new ArchiveTreeBuilder(label, prepareMember ? (path, data) => prepareMember(path, data, label) : undefined);
    const check = checkMember ? (path: string, head: Uint8Array) => checkMember(path, head, label) : undefined;
    if (kind === 'zip') {
      const parts = [first];
      let size = first.length;
      for await (const chunk of chunks) {
        size += chunk.length;
        if (size > limits.maxTotalBytes) {
          throw new DatasetImportError(ErrorCode.ARCHIVE_TOO_LARGE, `the zip is larger than the limit of ${limits.maxTotalBytes} bytes (limits.maxTotalBytes)`, { file: label });
        }
        parts.push(chunk);
      }
      readZip(parts.length === 1 ? first : concatBytes(parts), tree, label, limits, budget, check);
    } else {
      const tar = new TarReader(tree, label, limits, check);
      if (kind === 'gzip') {
        // Inflated by the runtime's gzip or fflate (inflate.ts); each inflated chunk goes to the
        // tar reader, then counts against the import's budget. The input goes in slices (see
        // gunzipSlice), so no read chunk inflates whole before the budget has seen its first part.
        const slice = gunzipSlice(getInflater());
        await gunzipStream(
          (async function* () {
            yield* slices(first, slice);
            for await (const chunk of chunks) yield* slices(chunk, slice);
          })(),
          label,
          (c) => inflated(budget, label, c, tar),
        );
      } else {
        tar.push(first);
        for await (const chunk of chunks) tar.push(chunk);
      }
      tar.end();
    }
    return { tree: tree.build(), start: '', limits, budget };
  } finally {
    await chunks.return(undefined);
  }
}

/** The input's chunks, each counted as input bytes of the budget as it arrives. */
async function* countedChunks(chunks: AsyncGenerator<Uint8Array>, budget: DecodeBudget): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    budget.addInput(chunk.length);
    yield chunk;
  }
}

/**
 * Compressed bytes handed to the inflater a slice at a time. fflate inflates a push whole and
 * DecompressionStream enqueues all of a chunk's output at once: one push inflates at most ~1032x
 * its input (fflate 16 KiB -> 16.5 MB; DecompressionStream 64 KiB -> 66 MB, where 16 KiB slices
 * made Chromium's CIFAR-10 .tar.gz import ~0.9 instead of ~0.5 s), so a zero bomb is refused
 * (budget, member check) before a read chunk of it has been inflated whole. node:zlib hands its output over in 256 KiB pieces and
 * stops while they are not taken (stream backpressure), so its slices can be large: 1 MiB slices
 * took a full CIFAR-10 .tar.gz import from ~1.06 to ~0.76 s (11,000 fewer trips through the
 * stream machinery), and a 64 x 32 MiB zero bomb still stops at the same peak RSS (~125 MB).
 */
function* slices(chunk: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < chunk.length; at += size) yield chunk.subarray(at, at + size);
}

/** The slice size for an inflater (see `slices`). */
function gunzipSlice(inflater: InflaterName): number {
  return inflater === 'node-zlib' ? 1024 * 1024 : inflater === 'DecompressionStream' ? 64 * 1024 : 16 * 1024;
}

/**
 * An inflated chunk of a .tar.gz: handed to the tar reader (which checks entry sizes from their
 * headers first, naming the entry), then counted by the import's budget.
 */
function inflated(budget: DecodeBudget, label: string, chunk: Uint8Array, tar: TarReader): void {
  tar.push(chunk);
  budget.inflate(chunk.length, label);
}
