/**
 * ImageNet-txt: `<subset>.txt` lists `<image path> <label index>...` per line, label names in
 * `synsets.txt` (one per line), images below `images/`. Datumaro:
 * plugins/data_formats/imagenet_txt.py.
 */
import { DatasetImportError, ErrorCode } from '../../errors.js';
import { splitExt } from '../../sources/file-tree.js';

export const LABELS_FILE = 'synsets.txt';
export const IMAGE_DIR = 'images';
export const LIST_EXT = '.txt';
/** Datumaro's default (`ImagenetTxtExporter.DEFAULT_IMAGE_EXT`). */
export const DEFAULT_IMAGE_EXT = '.jpg';

export interface ListLine {
  /** The item id: the image path without its extension. */
  id: string;
  /** The image path below `images/`. */
  image: string;
  labels: number[];
}

/**
 * One line of a list file, as Datumaro's `_parse_annotation_line` reads it: `path 1 2`, or with
 * a quoted id when it has spaces: `"my image".jpg 1`. The text right after the closing quote up
 * to the first space is the extension (Datumaro always writes one). Throws a message (no
 * location) for a malformed line.
 */
export function parseListLine(line: string): ListLine {
  let id: string;
  let image: string;
  let rest: string[];
  const quoted = line.split('"');
  if (quoted.length > 1) {
    if (quoted.length !== 3) throw new Error(`expected a quoted name ("name with spaces".jpg) but found ${quoted.length - 1} quotes`);
    id = quoted[1]!;
    const ext = /^\S*/.exec(quoted[2]!)![0];
    if (quoted[0]!.trim() !== '') throw new Error('text before the quoted name');
    image = id + ext;
    rest = quoted[2]!.slice(ext.length).split(/\s+/).filter((t) => t !== '');
  } else {
    const tokens = line.split(/\s+/).filter((t) => t !== '');
    image = tokens[0]!;
    id = splitExt(image)[0];
    rest = tokens.slice(1);
  }
  if (id === '') throw new Error('the line names an empty image');
  const labels = rest.map((t) => {
    if (!/^[+-]?\d+$/.test(t)) throw new Error(`label '${t}' is not an integer`);
    const v = Number(t);
    if (v < 0) throw new Error(`label ${t} is negative`);
    if (!Number.isSafeInteger(v)) throw new Error(`label ${t} is too large`);
    return v;
  });
  return { id, image, labels };
}

/** The lines of a list file (blank lines skipped), with their 1-based line numbers. */
export function listLines(text: string): { line: string; number: number }[] {
  const out: { line: string; number: number }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() !== '') out.push({ line, number: i + 1 });
  });
  return out;
}

/** A path from a list file, checked to stay below `images/`: relative, no '..' part. */
export function checkImagePath(image: string, file: string, lineNumber: number): string {
  const parts = image.split(/[\\/]/);
  if (image.startsWith('/') || /^[a-zA-Z]:/.test(image) || parts.includes('..') || image.includes('\0')) {
    throw new DatasetImportError(ErrorCode.ANNOTATION_INVALID, `line ${lineNumber}: image path '${image.replace(/\0/g, '\\0')}' leaves the images folder; refused`, {
      file,
    });
  }
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}
