/**
 * The runtime seam: what the entry point of a runtime (src/index.ts for Node and Deno,
 * src/browser.ts for browsers) gives the core, as one object installed once. The core itself
 * uses only web-standard APIs; everything a runtime adds (a filesystem, encoding threads, a
 * native gunzip) comes through here, and nowhere else.
 */
import type { DecodeBudget, ImportLimits } from '../limits.js';
import type { EncoderPool } from '../image/encoder-pool.js';
import type { DatasetSource, ExportedFile, MemberCheck, MemberPrepare } from '../sources/file-tree.js';

/** Filesystem access (Node, Deno); browsers have none. */
export interface FileSystemAccess {
  /** Opens a path (a folder, a file of a dataset, or an archive) as a source. */
  openPath(path: string, options?: { limits?: ImportLimits; budget?: DecodeBudget; checkMember?: MemberCheck; prepareMember?: MemberPrepare }): Promise<DatasetSource>;
  /** Writes files into a folder, all or nothing; returns how many were written. */
  writeFiles(dir: string, files: AsyncIterable<ExportedFile>, options: { overwrite?: boolean }): Promise<number>;
}

/** How this runtime runs image encoding on other threads (worker_threads, Web Workers). */
export interface EncoderThreads {
  /** A pool of `size` threads, started on first use. */
  create(size: number): EncoderPool;
  /** How many threads to use when `workers` is not given (the cores). */
  defaultWorkers(): number;
}

/**
 * The inflaters by name (see {@link setInflater}).
 *
 * @example
 * ```ts
 * import { getInflater, type InflaterName } from 'cifarkit';
 *
 * const inflater: InflaterName = getInflater();
 * console.log(inflater); // node-zlib
 * ```
 */
export type InflaterName = 'node-zlib' | 'DecompressionStream' | 'fflate';

/** A native streaming gunzip: compressed chunks in, inflated chunks out; errors are the native ones. */
export interface NativeGunzip {
  name: InflaterName;
  gunzip(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>;
}

/** What a runtime provides; each part absent where the runtime has none. */
export interface Platform {
  /** 'node' (Node and Deno), 'browser', or 'neutral' (nothing installed: in-memory only). */
  readonly name: 'node' | 'browser' | 'neutral';
  readonly fileSystem?: FileSystemAccess;
  readonly encoderThreads?: EncoderThreads;
  /** A native gunzip beyond the web-standard DecompressionStream (node:zlib). */
  readonly gunzip?: NativeGunzip;
}

const NEUTRAL: Platform = Object.freeze({ name: 'neutral' });

let installed: Platform = NEUTRAL;

const RANK: Record<Platform['name'], number> = { neutral: 0, browser: 1, node: 2 };

/**
 * @internal Called once by a runtime entry point (and by tests that stand for another runtime).
 * A process that loads both entries (say, a library importing `cifarkit/browser` in a Node app)
 * keeps the richer platform: node over browser over neutral, whichever was loaded first.
 */
export function installPlatform(next: Platform): void {
  if (RANK[next.name] >= RANK[installed.name]) installed = Object.freeze({ ...next });
}

/** @internal The platform the entry point installed (a neutral one before that). */
export function platform(): Platform {
  return installed;
}
