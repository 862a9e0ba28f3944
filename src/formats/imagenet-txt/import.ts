/** Reading ImageNet-txt (Datumaro's ImagenetTxtBase). */
import { Label, LabelCategories } from '../../model/annotations.js';
import { DatasetItem } from '../../model/item.js';
import { Image } from '../../image/image.js';
import { CifarkitError, DatasetImportError, ErrorCode } from '../../errors.js';
import { decodeImage } from '../../image/codecs.js';
import { DATASET_META_FILE, decodeUtf8, parseDatasetMeta } from '../common.js';
import type { DecodeBudget } from '../../limits.js';
import { basename, budgetOf, dirname, joinPath, splitExt, type DatasetSource, type FileTree } from '../../sources/file-tree.js';
import type { ImportedDataset } from '../format.js';
import { checkImagePath, IMAGE_DIR, LABELS_FILE, LIST_EXT, listLines, parseListLine, type ListLine } from './layout.js';

export interface TxtLayout {
  root: string;
  /** List files, one per subset, sorted by name. */
  lists: string[];
}

function isListFile(name: string): boolean {
  return name !== LABELS_FILE && !name.startsWith('.') && splitExt(name)[1] === LIST_EXT;
}

/** The dataset folder and its list files: the start folder's `*.txt` but synsets.txt, or the one list file given. */
export async function findTxtLayout({ tree, start }: DatasetSource): Promise<TxtLayout | null> {
  const kind = await tree.kind(start);
  if (kind === 'file') return isListFile(basename(start)) ? { root: dirname(start), lists: [start] } : null;
  if (kind !== 'dir') return null;
  const lists = (await tree.list(start)).filter((e) => e.kind === 'file' && isListFile(e.name)).map((e) => joinPath(start, e.name));
  return lists.length > 0 ? { root: start, lists } : null;
}

/**
 * Datumaro's detector: a list file whose lines parse, one of them with a label. cifarkit also
 * accepts a list without labels when synsets.txt is beside it (an all-unlabelled export).
 */
export async function detectImagenetTxt(source: DatasetSource): Promise<boolean> {
  const layout = await findTxtLayout(source);
  if (!layout) return false;
  const hasSynsets = (await source.tree.kind(joinPath(layout.root, LABELS_FILE))) === 'file';
  for (const list of layout.lists) {
    let text: string;
    try {
      // peek: an archive tree hands each file over once, and the import reads the list again.
      const bytes = source.tree.peek ? await source.tree.peek(list, Number.MAX_SAFE_INTEGER) : await source.tree.read(list);
      text = decodeUtf8(bytes, list, ErrorCode.ANNOTATION_INVALID);
    } catch {
      continue;
    }
    let labelled = false;
    let ok = true;
    for (const { line } of listLines(text)) {
      try {
        if (parseListLine(line).labels.length > 0) labelled = true;
      } catch {
        ok = false;
        break;
      }
    }
    if (ok && (labelled || hasSynsets)) return true;
  }
  return false;
}

/** synsets.txt: one name per line, stripped, as Datumaro reads it (a last empty line is no label). */
function parseSynsets(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.trim());
}

interface Categories {
  labels: LabelCategories;
  /** No names were given: labels are made up as 'class-<i>' (Datumaro's labels='generate'). */
  generate: boolean;
}

async function loadCategories(tree: FileTree, root: string): Promise<Categories> {
  const metaPath = joinPath(root, DATASET_META_FILE);
  const synsetsPath = joinPath(root, LABELS_FILE);
  let names: string[];
  let file: string;
  if ((await tree.kind(metaPath)) === 'file') {
    file = tree.display(metaPath);
    names = parseDatasetMeta(await tree.read(metaPath), file);
  } else if ((await tree.kind(synsetsPath)) === 'file') {
    file = tree.display(synsetsPath);
    names = parseSynsets(decodeUtf8(await tree.read(synsetsPath), file, ErrorCode.ANNOTATION_INVALID));
  } else {
    return { labels: new LabelCategories(), generate: true };
  }
  const labels = new LabelCategories();
  names.forEach((name, i) => {
    if (labels.find(name) >= 0) throw new DatasetImportError(ErrorCode.ANNOTATION_INVALID, `label '${name}' is named twice (line ${i + 1})`, { file });
    labels.add(name);
  });
  return { labels, generate: false };
}

async function readImage(tree: FileTree, root: string, image: string, budget: DecodeBudget): Promise<Image | null> {
  const path = joinPath(joinPath(root, IMAGE_DIR), image);
  // A listed image that is absent is an item without media (an export without media).
  if ((await tree.kind(path)) !== 'file') return null;
  const decoded = decodeImage(await tree.read(path), tree.display(path), budget);
  return new Image(decoded.data, decoded.height, decoded.width, decoded.channels, { ext: decoded.ext, path });
}

async function importList(tree: FileTree, root: string, list: string, cats: Categories, budget: DecodeBudget): Promise<DatasetItem[]> {
  const file = tree.display(list);
  const subset = splitExt(basename(list))[0];
  const text = decodeUtf8(await tree.read(list), file, ErrorCode.ANNOTATION_INVALID);
  const items: DatasetItem[] = [];
  const lineOf = new Map<string, number>();
  for (const { line, number } of listLines(text)) {
    let parsed: ListLine;
    try {
      parsed = parseListLine(line);
    } catch (err) {
      throw new DatasetImportError(ErrorCode.ANNOTATION_INVALID, `line ${number}: ${(err as Error).message}`, { file });
    }
    const { id, labels } = parsed;
    const image = checkImagePath(parsed.image, file, number);
    if (lineOf.has(id)) {
      throw new DatasetImportError(ErrorCode.ANNOTATION_INVALID, `line ${number}: item '${id}' is already listed on line ${lineOf.get(id)}`, { file, item: id });
    }
    lineOf.set(id, number);
    budget.addItems(1, file);
    const annotations = labels.map((label) => {
      if (label >= cats.labels.length) {
        if (!cats.generate) {
          throw new DatasetImportError(
            ErrorCode.LABEL_OUT_OF_RANGE,
            `line ${number}: label ${label} is not an index into the ${cats.labels.length} label names`,
            { file, item: id },
          );
        }
        // Names made up to the largest index listed: a line "x 999999999" must not make a
        // billion of them, so they count as items of the budget.
        budget.addItems(label + 1 - cats.labels.length, file);
        while (cats.labels.length <= label) cats.labels.add(`class-${cats.labels.length}`);
      }
      return new Label(label);
    });
    let media: Image | null;
    try {
      media = await readImage(tree, root, image, budget);
    } catch (err) {
      if (err instanceof CifarkitError) throw err.withLocation({ item: id });
      throw err;
    }
    items.push(new DatasetItem({ id, subset, media, annotations }));
  }
  return items;
}

export async function importImagenetTxt(source: DatasetSource): Promise<ImportedDataset> {
  const layout = await findTxtLayout(source);
  if (!layout) {
    throw new DatasetImportError(ErrorCode.FORMAT_NOT_DETECTED, 'no ImageNet-txt list file (<subset>.txt) found', {
      file: source.tree.display(source.start) || source.tree.label,
    });
  }
  const cats = await loadCategories(source.tree, layout.root);
  const items: DatasetItem[] = [];
  for (const list of layout.lists) for (const item of await importList(source.tree, layout.root, list, cats, budgetOf(source))) items.push(item);
  return { labels: cats.labels, items, subsets: layout.lists.map((l) => splitExt(basename(l))[0]) };
}
