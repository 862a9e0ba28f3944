/**
 * The files of an archive as a read-once FileTree, and the checks every entry path passes
 * before it enters the tree.
 */
import { CifarkitError, DatasetImportError, ErrorCode, UsageError } from '../errors.js';
import { basename, dirname, type FileEntry, type FileTree } from '../sources/file-tree.js';

/** An entry the reader left out, and why (symlinks, hard links, devices, ...). */
export interface SkippedEntry {
  path: string;
  reason: string;
}

/** A FileTree over an archive's regular files, each readable once. */
export interface ArchiveTree extends FileTree {
  /**
   * Hands over the file's bytes and drops the tree's reference to them, so that decoding a
   * batch frees its raw bytes. A second read throws ARCHIVE_ENTRY_CONSUMED.
   */
  read(path: string): Promise<Uint8Array>;
  /** A copy of the first `n` bytes of a file not read yet (for format sniffing); does not consume it. */
  peek(path: string, n: number): Promise<Uint8Array>;
  /** Entries left out of the tree, in archive order. */
  readonly skipped: readonly SkippedEntry[];
  /** What the builder's `prepare` made of a file (see `FileTree.prepared`), handed over once. */
  prepared(path: string): unknown;
  dropPrepared(): void;
}

const shown = (raw: string) => raw.replace(/\0/g, '\\0');

/**
 * An entry's path as a tree path: '/'-separated, without '.' and empty parts ('./a//b' -> 'a/b'),
 * '' for the archive's root itself. Refuses (UNSAFE_PATH) absolute paths, drive letters, '..'
 * parts and NUL characters, as Python's tarfile 'data' filter and GNU tar do: such an archive is
 * not a dataset to read silently in part. A backslash counts as a separator (Windows zip tools).
 */
export function entryPath(raw: string, label: string): string {
  const refuse = (why: string) => {
    throw new DatasetImportError(ErrorCode.UNSAFE_PATH, `archive entry '${shown(raw)}' ${why}; refused so that nothing outside the archive's root is presented`, {
      file: label,
    });
  };
  if (raw.includes('\0')) refuse('contains a NUL character');
  const path = raw.replace(/\\/g, '/');
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) refuse('is absolute');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) refuse("has a '..' part");
  return parts.join('/');
}

/** Collects entries, then serves them. Later entries of the same path replace earlier ones. */
export class ArchiveTreeBuilder {
  /** A file's bytes; null once read; the error its read throws when the member check refused it. */
  private readonly files = new Map<string, Uint8Array | null | CifarkitError>();
  private readonly dirs = new Map<string, Map<string, 'file' | 'dir'>>([['', new Map()]]);
  readonly skipped: SkippedEntry[] = [];
  /** What `prepare` made of each file (see `FileTree.prepared`). */
  private readonly made = new Map<string, unknown>();

  constructor(
    private readonly label: string,
    /** Called with each file's bytes as it is added (see `MemberPrepare`). */
    private readonly prepare?: (path: string, data: Uint8Array) => unknown,
  ) {}

  private clash(path: string): never {
    throw new DatasetImportError(ErrorCode.ARCHIVE_CORRUPT, `'${path}' is both a file and a folder in the archive`, { file: this.label });
  }

  /** Records a folder and its parents (a loop, not recursion: a path may have thousands of parts). */
  addDir(path: string): void {
    for (let dir = path; dir !== '' && !this.dirs.has(dir); dir = dirname(dir)) {
      if (this.files.has(dir)) this.clash(dir);
      this.dirs.set(dir, new Map());
      // The parent's entry map may not exist yet: it is made on the next turn, so link afterwards.
      this.pendingLinks.push(dir);
    }
    for (let dir = this.pendingLinks.pop(); dir !== undefined; dir = this.pendingLinks.pop()) {
      this.dirs.get(dirname(dir))!.set(basename(dir), 'dir');
    }
  }
  private readonly pendingLinks: string[] = [];

  /** Records a regular file (replacing an earlier entry of the same path, as tar extraction does). */
  addFile(path: string, data: Uint8Array): void {
    if (path === '' || this.dirs.has(path)) this.clash(path || '.');
    const parent = dirname(path);
    this.addDir(parent);
    this.dirs.get(parent)!.set(basename(path), 'file');
    this.files.set(path, data);
    // A later entry of the same path replaces what was made of the earlier one.
    this.made.delete(path);
    if (this.prepare) {
      let made: unknown;
      try {
        made = this.prepare(path, data);
      } catch {
        made = undefined; // the importer reads the file itself, and reports what is wrong with it
      }
      if (made !== undefined) this.made.set(path, made);
    }
  }

  /** Records a file the member check refused: it is listed, and reading it throws `error`. */
  addRefused(path: string, error: CifarkitError): void {
    this.addFile(path, new Uint8Array(0));
    this.files.set(path, error);
    this.made.delete(path);
  }

  skip(path: string, reason: string): void {
    this.skipped.push({ path, reason });
  }

  build(): ArchiveTree {
    const { files, dirs, label, skipped, made } = this;
    const display = (path: string) => (path === '' ? label : `${label}/${path}`);
    const take = (path: string, consume: boolean): Uint8Array => {
      const data = files.get(path);
      if (data === undefined) throw new UsageError(ErrorCode.FILE_NOT_FOUND, 'no such file in the archive', { file: display(path) });
      if (data instanceof CifarkitError) throw data;
      if (data === null) {
        throw new UsageError(
          ErrorCode.ARCHIVE_ENTRY_CONSUMED,
          'this archive file was already read; files of an archive source are read once (their bytes are released after the first read)',
          { file: display(path) },
        );
      }
      if (consume) files.set(path, null);
      return data;
    };
    return {
      label,
      display,
      skipped,
      // Each file is handed over once and forgotten (take): its bytes are the reader's.
      handsOver: true,
      async list(dir): Promise<FileEntry[]> {
        const entries = dirs.get(dir);
        if (!entries) return [];
        return [...entries].map(([name, kind]) => ({ name, kind })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      },
      async kind(path) {
        if (dirs.has(path)) return 'dir';
        return files.has(path) ? 'file' : null;
      },
      async read(path) {
        return take(path, true);
      },
      async peek(path, n) {
        return take(path, false).slice(0, Math.max(0, n));
      },
      prepared(path) {
        const value = made.get(path);
        made.delete(path);
        return value;
      },
      dropPrepared() {
        made.clear();
      },
    };
  }
}
