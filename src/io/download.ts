/**
 * `downloadCifar`: the official CIFAR archives, fetched with `fetch()` into a folder (Node, Deno).
 *
 * - The archive goes to `<name>.part` beside its final name and is renamed into place only once
 *   its md5 is the published one: a file named like the archive is always the whole, verified
 *   archive. A checksum mismatch or an HTTP error removes the `.part` this call wrote.
 * - A transfer that breaks off (a truncated response, a dropped connection) is resumed with an
 *   HTTP Range request, `retries` times; a server that ignores Range (200 instead of 206) is
 *   read from the start again. If it still fails, the `.part` is kept and the next call resumes it.
 * - An archive already in place with the right md5 is not fetched again (as torchvision's
 *   "Files already downloaded and verified"); one with another md5 is refused, not overwritten.
 *
 * The md5s are those of https://www.cs.toronto.edu/~kriz/cifar.html (and torchvision's
 * datasets/cifar.py for the Python version).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { createMD5 } from 'hash-wasm';
import { CifarkitError, ErrorCode, UsageError } from '../errors.js';

/**
 * The datasets {@link downloadCifar} fetches.
 *
 * @example
 * ```ts
 * import { CIFAR_ARCHIVES, type CifarDatasetName } from 'cifarkit';
 *
 * const name: CifarDatasetName = 'cifar100';
 * console.log(CIFAR_ARCHIVES[name].python.file); // cifar-100-python.tar.gz
 * ```
 */
export type CifarDatasetName = 'cifar10' | 'cifar100';
/**
 * The distributions of each dataset: 'python' (pickled batches) or 'binary' (`.bin` records).
 *
 * @example
 * ```ts
 * import { CIFAR_ARCHIVES, type CifarVersion } from 'cifarkit';
 *
 * const version: CifarVersion = 'binary';
 * console.log(CIFAR_ARCHIVES.cifar10[version].folder); // cifar-10-batches-bin
 * ```
 */
export type CifarVersion = 'python' | 'binary';

/**
 * One official archive: where it is, its md5, the folder it unpacks to.
 *
 * @example
 * ```ts
 * import { CIFAR_ARCHIVES, type CifarArchive } from 'cifarkit';
 *
 * const archive: CifarArchive = CIFAR_ARCHIVES.cifar10.python;
 * console.log(archive.url, archive.md5); // https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz c58f30108f718f92721af3b95e74349a
 * ```
 */
export interface CifarArchive {
  /** The archive's file name. */
  file: string;
  /** Its official URL. */
  url: string;
  /** Its published md5 (hex). */
  md5: string;
  /** The folder it unpacks to. */
  folder: string;
}

const BASE = 'https://www.cs.toronto.edu/~kriz/';

/**
 * The official archives, by dataset and version, with their published md5 checksums.
 *
 * @example
 * ```ts
 * import { CIFAR_ARCHIVES } from 'cifarkit';
 *
 * console.log(Object.values(CIFAR_ARCHIVES).flatMap((v) => Object.values(v)).map((a) => a.file)); // [ 'cifar-10-python.tar.gz', 'cifar-10-binary.tar.gz', 'cifar-100-python.tar.gz', 'cifar-100-binary.tar.gz' ]
 * ```
 */
export const CIFAR_ARCHIVES: Readonly<Record<CifarDatasetName, Readonly<Record<CifarVersion, CifarArchive>>>> = {
  cifar10: {
    python: { file: 'cifar-10-python.tar.gz', url: `${BASE}cifar-10-python.tar.gz`, md5: 'c58f30108f718f92721af3b95e74349a', folder: 'cifar-10-batches-py' },
    binary: { file: 'cifar-10-binary.tar.gz', url: `${BASE}cifar-10-binary.tar.gz`, md5: 'c32a1d4ab5d03f1284b67883e8d87530', folder: 'cifar-10-batches-bin' },
  },
  cifar100: {
    python: { file: 'cifar-100-python.tar.gz', url: `${BASE}cifar-100-python.tar.gz`, md5: 'eb9058c3a382ffc7106e4002c42a8d85', folder: 'cifar-100-python' },
    binary: { file: 'cifar-100-binary.tar.gz', url: `${BASE}cifar-100-binary.tar.gz`, md5: '03b5dce01913d631647c71ecec9e9cb8', folder: 'cifar-100-binary' },
  },
};

/**
 * The options of {@link downloadCifar}.
 *
 * @example
 * ```ts
 * import { downloadCifar, type DownloadOptions } from 'cifarkit';
 *
 * const options: DownloadOptions = { dir: 'data', version: 'binary', signal: AbortSignal.timeout(60_000) };
 * await downloadCifar('cifar10', { ...options, url: 'ftp://example.org/x.tgz' }).catch((e) => console.log(e.code)); // INVALID_ARGUMENT
 * ```
 */
export interface DownloadOptions {
  /** 'python' (default: the pickles, as torchvision uses) or 'binary'. */
  version?: CifarVersion;
  /** The folder to put the archive in (default '.'; created if missing). */
  dir?: string;
  /** A mirror's URL of the same archive (its md5 must still be the published one, or `md5`). */
  url?: string;
  /** The md5 to expect instead of the published one (a mirror of other bytes; tests). */
  md5?: string;
  /** How many times a broken-off transfer is resumed within this call (default 3). */
  retries?: number;
  /** Called as bytes arrive: bytes so far (a resumed part included) and the total when the server says it. */
  onProgress?: (received: number, total: number | null) => void;
  /** Aborts the download (the `.part` is kept for a later resume). */
  signal?: AbortSignal;
}

/**
 * What {@link downloadCifar} gives once the archive is in place and verified.
 *
 * @example
 * ```ts
 * import { downloadCifar, type DownloadResult } from 'cifarkit';
 *
 * // data/ holds a copy already (here a small test archive, so its own md5): verified, not fetched
 * const result: DownloadResult = await downloadCifar('cifar10', { dir: 'data', md5: 'd0831b8f1f11618d69de8487d36aa2e7' });
 * console.log(result.path, result.alreadyPresent, result.resumed); // data/cifar-10-python.tar.gz true false
 * ```
 */
export interface DownloadResult {
  /** The archive's path. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** Its md5 (hex), the expected one. */
  md5: string;
  /** True when the archive was already there, verified, and nothing was fetched. */
  alreadyPresent: boolean;
  /** True when bytes of an earlier, broken-off transfer were reused (HTTP Range). */
  resumed: boolean;
}

const MD5_RE = /^[0-9a-f]{32}$/;

function usage(detail: string): UsageError {
  return new UsageError(ErrorCode.INVALID_ARGUMENT, `downloadCifar: ${detail}`);
}

function failed(detail: string, where: { file?: string; cause?: unknown } = {}): CifarkitError {
  return new CifarkitError(ErrorCode.DOWNLOAD_FAILED, detail, where);
}

/** Checks a URL for fetch: http or https only. */
export function checkDownloadUrl(url: unknown): URL {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw usage(`'${String(url)}' is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usage(`'${String(url)}' is not an http(s) URL`);
  return parsed;
}

/** What a call will fetch, checked before any network or disk work. */
export interface DownloadPlan {
  url: string;
  md5: string;
  path: string;
  retries: number;
}

/** Checks `downloadCifar`'s arguments (throws UsageError INVALID_ARGUMENT) and says what it will fetch where. */
export function planDownload(dataset: unknown, options: DownloadOptions = {}): DownloadPlan {
  if (dataset !== 'cifar10' && dataset !== 'cifar100') throw usage(`unknown dataset '${String(dataset)}': use 'cifar10' or 'cifar100'`);
  if (options === null || typeof options !== 'object') throw usage('options must be an object');
  const version = options.version ?? 'python';
  if (version !== 'python' && version !== 'binary') throw usage(`unknown version '${String(version)}': use 'python' or 'binary'`);
  const dir = options.dir ?? '.';
  if (typeof dir !== 'string' || dir === '') throw usage('dir must be a folder path');
  const md5 = options.md5 === undefined ? null : String(options.md5).toLowerCase();
  if (md5 !== null && !MD5_RE.test(md5)) throw usage(`md5 '${String(options.md5)}' is not 32 hex digits`);
  const retries = options.retries ?? 3;
  if (!Number.isSafeInteger(retries) || retries < 0) throw usage(`retries must be a non-negative integer, got ${String(retries)}`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw usage('onProgress must be a function');
  const archive = CIFAR_ARCHIVES[dataset][version];
  const url = options.url === undefined ? archive.url : checkDownloadUrl(options.url).href;
  return { url, md5: md5 ?? archive.md5, path: nodePath.join(dir, archive.file), retries };
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
}

type Hasher = Awaited<ReturnType<typeof createMD5>>;

async function hashFile(path: string, hasher: Hasher): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path)) {
    hasher.update(chunk as Uint8Array);
    n += (chunk as Uint8Array).length;
  }
  return n;
}

/** The md5 (hex) of a file on disk. */
export async function md5OfFile(path: string): Promise<string> {
  const hasher = await createMD5();
  hasher.init();
  await hashFile(path, hasher);
  return hasher.digest('hex');
}

/** The first byte of a 206's Content-Range (`bytes <first>-<last>/<total>`), its total, or null. */
function contentRange(header: string | null): { first: number; total: number | null } | null {
  const m = header ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim()) : null;
  return m ? { first: Number(m[1]), total: m[3] === '*' ? null : Number(m[3]) } : null;
}

class Interrupted extends Error {}

interface Fetched {
  /** Bytes in the part file now. */
  size: number;
  /** True when the server answered 416 to the Range: the part may be complete already. */
  rangeRefused: boolean;
  /** True when the bytes were appended to an earlier part (206). */
  appended: boolean;
}

/**
 * One request: appends to `part` from `have` bytes (Range) or rewrites it (fresh, or a server
 * that ignored Range). Throws Interrupted when the body broke off (the part keeps what came).
 */
async function fetchInto(plan: DownloadPlan, part: string, have: number, hasher: Hasher, options: DownloadOptions, state: { created: boolean }): Promise<Fetched> {
  const headers: Record<string, string> = have > 0 ? { Range: `bytes=${have}-` } : {};
  let response: Response;
  try {
    response = await fetch(plan.url, { headers, signal: options.signal, redirect: 'follow' });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new Interrupted(`cannot reach ${plan.url}: ${cause instanceof Error ? cause.message : (err as Error).message}`, { cause: err });
  }
  if (have > 0 && response.status === 416) {
    await response.body?.cancel();
    return { size: have, rangeRefused: true, appended: false };
  }
  let offset = 0;
  let total: number | null = null;
  if (response.status === 206 && have > 0) {
    const range = contentRange(response.headers.get('content-range'));
    if (!range || range.first !== have) {
      await response.body?.cancel();
      throw failed(`the server answered 'Range: bytes=${have}-' with Content-Range '${response.headers.get('content-range') ?? ''}'`, { file: plan.url });
    }
    offset = have;
    total = range.total;
  } else if (response.status === 200) {
    const length = response.headers.get('content-length');
    total = length !== null && /^\d+$/.test(length) ? Number(length) : null;
    if (have > 0) hasher.init(); // the server ignored Range: the whole file comes again
  } else {
    await response.body?.cancel();
    throw failed(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${plan.url}`, { file: plan.url });
  }
  if (!response.body) throw failed(`no body in the response from ${plan.url}`, { file: plan.url });

  const handle = await open(part, offset > 0 ? 'a' : 'w');
  state.created = true;
  let size = offset;
  options.onProgress?.(size, total);
  try {
    const reader = response.body.getReader();
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (err) {
        throw new Interrupted(`the transfer from ${plan.url} broke off after ${size} bytes`, { cause: err });
      }
      if (next.done) break;
      await handle.write(next.value);
      hasher.update(next.value);
      size += next.value.length;
      options.onProgress?.(size, total);
    }
  } finally {
    await handle.close();
  }
  if (total !== null && size < total) throw new Interrupted(`the transfer from ${plan.url} ended after ${size} of ${total} bytes`);
  return { size, rangeRefused: false, appended: offset > 0 };
}

/**
 * Downloads an official CIFAR archive into a folder and verifies its md5 (see the module doc);
 * an archive already there with the right md5 is not fetched again, a broken-off `.part` is resumed.
 *
 * @example
 * ```ts
 * import { Dataset, downloadCifar } from 'cifarkit';
 *
 * // A real call is `downloadCifar('cifar10', { dir: 'data' })`; here data/ already holds a small
 * // test archive, given with its own md5, so nothing is fetched.
 * const { path } = await downloadCifar('cifar10', { dir: 'data', md5: 'd0831b8f1f11618d69de8487d36aa2e7' }); // data/cifar-10-python.tar.gz
 * const ds = await Dataset.importFrom(path); // read as it is, no unpacking
 * console.log(ds.format, ds.size > 0); // cifar true
 * ```
 *
 * Errors: INVALID_ARGUMENT (bad arguments, before any network or disk work), DOWNLOAD_FAILED
 * (HTTP error, unreachable server, a transfer still broken off after `retries` resumes, aborted),
 * CHECKSUM_MISMATCH (the bytes are not the archive; nothing is kept).
 */
export async function downloadCifar(dataset: CifarDatasetName, options: DownloadOptions = {}): Promise<DownloadResult> {
  const plan = planDownload(dataset, options);
  return downloadVerified(plan, options);
}

/** Fetches `plan.url` to `plan.path` through `<path>.part`, verified against `plan.md5`. */
export async function downloadVerified(plan: DownloadPlan, options: DownloadOptions = {}): Promise<DownloadResult> {
  const { path, md5 } = plan;
  const part = `${path}.part`;
  await mkdir(nodePath.dirname(path), { recursive: true });

  const existing = await fileSize(path);
  if (existing !== null) {
    const actual = await md5OfFile(path);
    if (actual === md5) return { path, bytes: existing, md5, alreadyPresent: true, resumed: false };
    throw new CifarkitError(ErrorCode.CHECKSUM_MISMATCH, `the file is already there but its md5 is ${actual}, not ${md5}: remove it to download again`, { file: path });
  }

  const hasher = await createMD5();
  const rehash = async (): Promise<number> => {
    hasher.init();
    return (await fileSize(part)) === null ? 0 : hashFile(part, hasher);
  };
  let have = await rehash();
  const partBefore = have > 0;
  const state = { created: false };
  let resumed = false;
  let size = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      const got = await fetchInto(plan, part, have, hasher, options, state);
      if (got.rangeRefused) {
        // 416: the part is the whole file already, or not the file at all.
        if ((await md5OfFile(part)) === md5) {
          await rename(part, path);
          return { path, bytes: have, md5, alreadyPresent: false, resumed: true };
        }
        await rm(part, { force: true });
        if (attempt >= plan.retries) throw failed(`the server refused the range of the ${have} bytes kept, which were not the archive (removed)`, { file: plan.url });
        have = await rehash();
        continue;
      }
      ({ size } = got);
      resumed = got.appended;
      break;
    } catch (err) {
      if (options.signal?.aborted || (err instanceof Interrupted && attempt >= plan.retries)) {
        const kept = (await fileSize(part)) ?? 0;
        const why = options.signal?.aborted ? 'the download was aborted' : (err as Error).message;
        throw failed(`${why}; ${kept > 0 ? `${kept} bytes are kept in ${part}: run the download again to resume` : 'nothing was kept'}`, {
          file: plan.url,
          cause: err,
        });
      }
      if (!(err instanceof Interrupted)) {
        // An HTTP error or a bad answer: what this call wrote is not worth resuming.
        if (state.created && !partBefore) await rm(part, { force: true });
        throw err;
      }
      have = await rehash();
    }
  }
  const actual = hasher.digest('hex');
  if (actual !== md5) {
    await rm(part, { force: true });
    throw new CifarkitError(ErrorCode.CHECKSUM_MISMATCH, `the downloaded ${size} bytes have md5 ${actual}, not the published ${md5}: not the archive (nothing was kept)`, { file: plan.url });
  }
  await rename(part, path);
  return { path, bytes: size, md5, alreadyPresent: false, resumed };
}
