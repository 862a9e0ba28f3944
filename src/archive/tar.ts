/**
 * A streaming tar reader: bytes are pushed in chunks of any size and each regular file's bytes
 * are copied once into a buffer of the entry's size; nothing else of the tar is kept.
 *
 * Formats: POSIX ustar (name prefix), pax extended headers ('x': path, size; 'g' is read and
 * ignored), GNU long names ('L'; 'K' long link names are skipped), GNU base-256 sizes, old V7
 * headers (no magic; a name ending in '/' is a folder). Spec: POSIX.1-2017 pax, "ustar
 * Interchange Format"; GNU tar manual, "Basic Tar Format".
 *
 * Regular files ('0', NUL, '7' contiguous) enter the tree; folders ('5') are recorded (and
 * implied by file paths); hard links, symlinks, devices, FIFOs and unknown types are skipped,
 * with a reason. As in Python's tarfile, data follows only regular files and unknown types.
 */
import { DatasetImportError, ErrorCode, type CifarkitError } from '../errors.js';
import { concatBytes } from '../bytes.js';
import type { ImportLimits } from '../limits.js';
import { entryPath, type ArchiveTreeBuilder } from './tree.js';

const BLOCK = 512;
/** Pax and GNU long-name bodies larger than this are refused (real ones are a few hundred bytes). */
const MAX_META = 1 << 20;
/**
 * A file entry's buffer is allocated from its header's size up to this; a larger entry's bytes
 * are collected as they arrive and joined at its end, so a 512-byte header declaring gigabytes
 * allocates nothing it does not receive. (CIFAR batches, ~30 MB, stay on the one-buffer path.)
 */
const EAGER_BYTES = 64 * 2 ** 20;

/** How many first bytes of a file entry the member check sees (fewer when the file is shorter). */
export const MEMBER_SNIFF_BYTES = 16;

/** The limits an archive is read under: the import limits of src/limits.ts. */
export type ArchiveLimits = ImportLimits;

const SKIPPED: Record<string, string> = {
  '1': 'hard link',
  '2': 'symbolic link',
  '3': 'character device',
  '4': 'block device',
  '6': 'FIFO',
};

const utf8 = new TextDecoder('utf-8');

/** A NUL-terminated text field. */
function text(block: Uint8Array, at: number, len: number): string {
  const field = block.subarray(at, at + len);
  const end = field.indexOf(0);
  return utf8.decode(end < 0 ? field : field.subarray(0, end));
}

/** An octal number field (spaces/NULs around it), or GNU base-256 when the top bit is set. */
function number(block: Uint8Array, at: number, len: number): number | null {
  if (block[at]! & 0x80) {
    let v = block[at]! & 0x7f;
    for (let i = at + 1; i < at + len; i++) v = v * 256 + block[i]!;
    return Number.isSafeInteger(v) ? v : null;
  }
  const s = text(block, at, len).trim();
  if (s === '') return 0;
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : null;
}

/** Whether a 512-byte block is a tar header with a valid checksum (signed or unsigned sum, as tar accepts). */
export function checksumOk(block: Uint8Array): boolean {
  const stored = number(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** Pax records: "<len> <key>=<value>\n", len counting the whole record. */
function parsePax(body: Uint8Array, fail: (why: string) => never): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    if (body[at] === 0) break; // NUL padding some writers leave
    let sp = at;
    while (sp < body.length && body[sp] !== 0x20) sp++;
    const len = Number(utf8.decode(body.subarray(at, sp)));
    if (!Number.isInteger(len) || len <= sp - at || at + len > body.length || body[at + len - 1] !== 0x0a) fail('has a malformed pax extended header');
    const record = utf8.decode(body.subarray(sp + 1, at + len - 1));
    const eq = record.indexOf('=');
    if (eq <= 0) fail('has a malformed pax extended header');
    out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

interface Body {
  /** What the data is for: a file's contents, a pax/GNU-name header's body, or data to skip. */
  kind: 'file' | 'pax' | 'longname' | 'skip';
  path: string;
  size: number;
  /** Where the data goes (null when skipped, or while a large file's bytes are collected in `parts`). */
  data: Uint8Array | null;
  /** The first bytes of a file, for the member check (null once checked, or when there is none). */
  head?: Uint8Array | null;
  /** Set when the member check refused the file: its bytes are not kept, its read throws this. */
  refused?: CifarkitError;
  /** A large file's bytes as they arrive (see EAGER_BYTES). */
  parts?: Uint8Array[];
  filled: number;
  /** Bytes of padding after the data, up to the next block. */
  pad: number;
}

export class TarReader {
  private readonly header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private body: Body | null = null;
  private done = false;
  /** Tar bytes seen so far (the inflated size, for a .tar.gz). */
  private offset = 0;
  private entries = 0;
  private pax: Map<string, string> | null = null;
  private longName: string | null = null;

  constructor(
    private readonly tree: ArchiveTreeBuilder,
    private readonly label: string,
    private readonly limits: ArchiveLimits,
    private readonly checkMember?: (path: string, head: Uint8Array) => CifarkitError | null,
  ) {}

  /** Shows a file's first bytes to `checkMember` as soon as they are in: before the rest is collected. */
  private sniff(body: Body, chunk: Uint8Array): void {
    const head = body.head!;
    const want = Math.min(head.length, body.size);
    const n = Math.min(want - body.filled, chunk.length);
    if (n > 0) head.set(chunk.subarray(0, n), body.filled);
    if (body.filled + n >= want) {
      body.head = null;
      const refused = this.checkMember!(body.path, head.subarray(0, want));
      if (refused) {
        // A large entry is refused at once: streaming gigabytes of a zero bomb past would cost
        // their inflation. A small one is only not collected (a later entry of the same path
        // may replace it, as extraction does), and its read throws.
        if (body.size > EAGER_BYTES) throw refused;
        body.refused = refused;
        body.data = null;
        body.parts = undefined;
      }
    }
  }

  private fail(code: ErrorCode, detail: string): never {
    throw new DatasetImportError(code, detail, { file: this.label });
  }

  private tooLarge(what: string): never {
    this.fail(ErrorCode.ARCHIVE_TOO_LARGE, `${what} is larger than the limit of ${this.limits.maxTotalBytes} bytes (limits.maxTotalBytes)`);
  }

  /** Feeds the next bytes of the tar stream. */
  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.done) {
        // After the end-of-archive marker: zero padding (or junk tar ignores too), still counted.
        this.offset += chunk.length - at;
        if (this.offset > this.limits.maxTotalBytes) this.tooLarge('the tar stream');
        return;
      }
      const body = this.body;
      if (body === null) {
        const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
        this.header.set(chunk.subarray(at, at + n), this.headerFill);
        this.headerFill += n;
        at += n;
        this.offset += n;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          // Entry bodies are checked against the limit from their declared size, before allocation.
          if (this.offset > this.limits.maxTotalBytes) this.tooLarge('the tar stream');
          this.onHeader(this.offset - BLOCK);
        }
        continue;
      }
      const left = body.size - body.filled;
      const n = Math.min(left + body.pad, chunk.length - at);
      const data = Math.min(n, left);
      if (body.head && data > 0) this.sniff(body, chunk.subarray(at, at + data));
      if (body.data && data > 0) body.data.set(chunk.subarray(at, at + data), body.filled);
      else if (body.parts && data > 0) body.parts.push(chunk.slice(at, at + data));
      body.filled += data;
      body.pad -= n - data;
      at += n;
      this.offset += n;
      if (body.filled === body.size && body.pad === 0) {
        this.body = null;
        this.onBody(body);
      }
    }
  }

  /** The stream has ended: throws ARCHIVE_TRUNCATED unless the tar was complete. */
  end(): void {
    if (this.done) return;
    const { body } = this;
    if (body) {
      const what = body.kind === 'file' ? `the data of '${body.path}'` : body.kind === 'skip' ? `entry '${body.path}'` : 'an extended header';
      this.fail(ErrorCode.ARCHIVE_TRUNCATED, `the tar ends inside ${what} (${body.filled} of ${body.size} bytes) at byte ${this.offset}`);
    }
    if (this.headerFill > 0) this.fail(ErrorCode.ARCHIVE_TRUNCATED, `the tar ends inside an entry header at byte ${this.offset}`);
    if (this.offset === 0) this.fail(ErrorCode.ARCHIVE_TRUNCATED, 'the tar is empty');
    this.fail(ErrorCode.ARCHIVE_TRUNCATED, `the tar ends at byte ${this.offset} without its end-of-archive marker (a truncated archive)`);
  }

  private onHeader(at: number): void {
    const h = this.header;
    if (h.every((b) => b === 0)) {
      this.done = true;
      return;
    }
    if (!checksumOk(h)) {
      this.fail(ErrorCode.ARCHIVE_CORRUPT, at === 0 ? 'not a tar archive (bad header checksum at byte 0)' : `bad tar header checksum at byte ${at}`);
    }
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
    const headerSize = number(h, 124, 12);
    if (headerSize === null) this.fail(ErrorCode.ARCHIVE_CORRUPT, `bad size field in the tar header at byte ${at}`);

    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (headerSize > MAX_META) this.fail(ErrorCode.ARCHIVE_CORRUPT, `an extended header at byte ${at} is ${headerSize} bytes long`);
      const kind = type === 'x' ? 'pax' : type === 'L' ? 'longname' : 'skip';
      this.startBody({ kind, path: text(h, 0, 100), size: headerSize, data: kind === 'skip' ? null : new Uint8Array(headerSize), filled: 0, pad: 0 });
      return;
    }

    if (++this.entries > this.limits.maxEntries) {
      this.fail(ErrorCode.ARCHIVE_TOO_LARGE, `the archive has more than ${this.limits.maxEntries} entries (limits.maxEntries)`);
    }
    let name = text(h, 0, 100);
    // POSIX ustar splits long names into prefix + name; GNU's magic ('ustar  ') uses that space otherwise.
    if (text(h, 257, 6) === 'ustar' && h[262] === 0) {
      const prefix = text(h, 345, 155);
      if (prefix !== '') name = `${prefix}/${name}`;
    }
    const pax = this.pax;
    const raw = pax?.get('path') ?? this.longName ?? name;
    let size = headerSize;
    const paxSize = pax?.get('size');
    if (paxSize !== undefined) {
      if (!/^[0-9]+$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize))) this.fail(ErrorCode.ARCHIVE_CORRUPT, `bad pax size '${paxSize}' for entry '${raw}'`);
      size = Number(paxSize);
    }
    this.pax = null;
    this.longName = null;
    const path = entryPath(raw, this.label);

    const regular = type === '0' || type === '7';
    if (regular && raw.endsWith('/')) {
      this.tree.addDir(path); // V7 folders
    } else if (regular) {
      if (this.offset + size > this.limits.maxTotalBytes) this.tooLarge(`entry '${path}' (${size} bytes)`);
      const head = this.checkMember && size > 0 ? new Uint8Array(Math.min(size, MEMBER_SNIFF_BYTES)) : null;
      if (size > EAGER_BYTES) {
        this.startBody({ kind: 'file', path, size, data: null, parts: [], filled: 0, pad: 0, head });
        return;
      }
      this.startBody({ kind: 'file', path, size, data: new Uint8Array(size), filled: 0, pad: 0, head });
    } else if (type === '5') {
      this.tree.addDir(path);
    } else if (SKIPPED[type]) {
      this.tree.skip(path, `${SKIPPED[type]}${type === '1' || type === '2' ? ` to '${text(h, 157, 100)}'` : ''}`);
    } else {
      if (this.offset + size > this.limits.maxTotalBytes) this.tooLarge(`entry '${path}' (${size} bytes)`);
      this.tree.skip(path, `unsupported tar entry type '${type}'`);
      this.startBody({ kind: 'skip', path, size, data: null, filled: 0, pad: 0 });
    }
  }

  private join(body: Body): Uint8Array {
    try {
      return concatBytes(body.parts!);
    } catch (err) {
      throw new DatasetImportError(ErrorCode.ARCHIVE_TOO_LARGE, `entry '${body.path}' (${body.size} bytes) cannot be held in memory`, { file: this.label, cause: err });
    }
  }

  private startBody(body: Body): void {
    body.pad = (BLOCK - (body.size % BLOCK)) % BLOCK;
    if (body.size === 0) this.onBody(body);
    else this.body = body;
  }

  private onBody(body: Body): void {
    const corrupt = (why: string): never => this.fail(ErrorCode.ARCHIVE_CORRUPT, `the tar ${why} (before byte ${this.offset})`);
    if (body.kind === 'file' && body.refused) this.tree.addRefused(body.path, body.refused);
    else if (body.kind === 'file') this.tree.addFile(body.path, body.parts ? this.join(body) : body.data!);
    else if (body.kind === 'pax') this.pax = parsePax(body.data!, corrupt);
    else if (body.kind === 'longname') this.longName = text(body.data!, 0, body.size);
  }
}
