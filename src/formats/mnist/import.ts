/** Reading MNIST idx files (Datumaro's MnistBase), plain or gzipped. */
import type { DecodeBudget } from '../../limits.js';
import { Label, LabelCategories } from '../../model/annotations.js';
import { DatasetItem } from '../../model/item.js';
import { ColumnarSubset } from '../../model/columns.js';
import { PixelBlock } from '../../image/block.js';
import { Image } from '../../image/image.js';
import { CifarkitError, DatasetImportError, ErrorCode, importErrors } from '../../errors.js';
import { DATASET_META_FILE, decodeUtf8, parseDatasetMeta } from '../common.js';
import { budgetOf, joinPath, type DatasetSource, type FileTree } from '../../sources/file-tree.js';
import type { ImportedDataset } from '../format.js';
import {
  findMnistLayout,
  LABEL_NAMES_FILE,
  maybeGunzip,
  NONE_LABEL,
  parseImagesFile,
  parseLabelsFile,
  parseMetaFile,
  type MnistSubsetFiles,
} from './layout.js';

/** Label names: dataset_meta.json, else labels.txt (non-empty lines, stripped), else '0'..'9' (as Datumaro). */
async function loadCategories(tree: FileTree, root: string): Promise<LabelCategories> {
  const metaPath = joinPath(root, DATASET_META_FILE);
  const namesPath = joinPath(root, LABEL_NAMES_FILE);
  let names: string[];
  let file: string;
  if ((await tree.kind(metaPath)) === 'file') {
    file = tree.display(metaPath);
    names = parseDatasetMeta(await tree.read(metaPath), file);
  } else if ((await tree.kind(namesPath)) === 'file') {
    file = tree.display(namesPath);
    names = decodeUtf8(await tree.read(namesPath), file, ErrorCode.ANNOTATION_INVALID)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  } else {
    return LabelCategories.fromIterable(Array.from({ length: 10 }, (_, i) => String(i)));
  }
  const cats = new LabelCategories();
  for (const name of names) {
    if (cats.find(name) >= 0) throw new DatasetImportError(ErrorCode.ANNOTATION_INVALID, `label '${name}' is named twice`, { file });
    cats.add(name);
  }
  return cats;
}

const invalid = importErrors(ErrorCode.IDX_INVALID);

/** Splits the pixel bytes into per-item (height, width): from the meta rows when they give sizes, else from the header. */
function imageSizes(images: ReturnType<typeof parseImagesFile>, count: number, meta: string[][] | null, file: string, metaFile: string): [number, number][] {
  const payload = images.pixels.length;
  if (meta && meta.length > 0 && meta[0]!.length >= 2) {
    const sizes = meta.map((row, i): [number, number] => {
      const [h, w] = row.slice(-2).map((v) => (/^\d+$/.test(v) ? Number(v) : NaN));
      if (!Number.isSafeInteger(h) || !Number.isSafeInteger(w)) throw invalid(metaFile, `item ${i}: size '${row.slice(-2).join('x')}' is not two integers`);
      return [h!, w!];
    });
    const total = sizes.reduce((n, [h, w]) => n + h * w, 0);
    if (total !== payload) throw invalid(file, `the image sizes in the meta file need ${total} pixel bytes but the file holds ${payload}`);
    return sizes;
  }
  const per = images.rows * images.cols;
  // The count field is the number of images; Datumaro writes the number of pixels instead.
  const standard = payload === images.count * per;
  const datumaro = images.count === payload && per > 0 && payload === count * per;
  if (!standard && !datumaro) {
    throw invalid(
      file,
      `the header says ${images.count} images of ${images.rows}x${images.cols} (${images.count * per} bytes) but the file holds ${payload} bytes` +
        (payload < images.count * per ? ' (truncated)' : ''),
    );
  }
  const n = per === 0 ? images.count : payload / per;
  if (n !== count) throw invalid(file, `the file holds ${n} images but the labels file has ${count} labels`);
  return Array.from({ length: n }, (): [number, number] => [images.rows, images.cols]);
}

async function importSubset(tree: FileTree, files: MnistSubsetFiles, cats: LabelCategories, budget: DecodeBudget): Promise<ColumnarSubset | DatasetItem[]> {
  const labelsFile = tree.display(files.labels);
  const labels = parseLabelsFile(maybeGunzip(await tree.read(files.labels), labelsFile, budget), labelsFile);
  const count = labels.length;
  budget.addItems(count, labelsFile);

  let meta: string[][] | null = null;
  let metaFile = '';
  if (files.meta) {
    metaFile = tree.display(files.meta);
    meta = parseMetaFile(maybeGunzip(await tree.read(files.meta), metaFile, budget), count, metaFile);
  }

  let pixels: Uint8Array | null = null;
  let sizes: [number, number][] | null = null;
  if (files.images) {
    const imagesFile = tree.display(files.images);
    const images = parseImagesFile(maybeGunzip(await tree.read(files.images), imagesFile, budget), imagesFile);
    sizes = imageSizes(images, count, meta, imagesFile, metaFile);
    pixels = images.pixels;
  }

  // Images of one size (every idx3 file without a meta file of sizes) or none: columns
  // (model/columns.ts) over the file's pixels; images of several sizes: items.
  const uniform = !sizes || sizes.every(([h, w]) => h === sizes![0]![0] && w === sizes![0]![1]);
  if (uniform) {
    const ids: string[] = new Array(count);
    const firstLabels = new Int32Array(count);
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const row = meta?.[i];
      const id = row && (row.length === 1 || row.length === 3) ? row[0]! : String(i);
      if (id === '' || seen.has(id)) throw invalid(metaFile, `item ${i}: id '${id}' is ${id === '' ? 'empty' : 'given twice'}`);
      seen.add(id);
      ids[i] = id;
      const label = labels[i]!;
      if (label !== NONE_LABEL && label >= cats.length) {
        throw new DatasetImportError(ErrorCode.LABEL_OUT_OF_RANGE, `label ${label} is not an index into the ${cats.length} label names`, { file: labelsFile, index: i, item: id });
      }
      firstLabels[i] = label === NONE_LABEL ? -1 : label;
    }
    const [h, w] = sizes?.[0] ?? [0, 0];
    const block = pixels && sizes && count > 0 ? PixelBlock.gray(pixels.subarray(0, count * h * w), count, h, w) : null;
    return new ColumnarSubset(files.subset, firstLabels, ids, '', block);
  }

  const items: DatasetItem[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const row = meta?.[i];
    // Meta rows [id] and [id, h, w] name the item; otherwise the id is the index (as Datumaro).
    const id = row && (row.length === 1 || row.length === 3) ? row[0]! : String(i);
    if (id === '' || seen.has(id)) throw invalid(metaFile, `item ${i}: id '${id}' is ${id === '' ? 'empty' : 'given twice'}`);
    seen.add(id);
    const label = labels[i]!;
    const annotations: Label[] = [];
    if (label !== NONE_LABEL) {
      if (label >= cats.length) {
        throw new DatasetImportError(ErrorCode.LABEL_OUT_OF_RANGE, `label ${label} is not an index into the ${cats.length} label names`, {
          file: labelsFile,
          index: i,
          item: id,
        });
      }
      annotations.push(new Label(label));
    }
    let media: Image | null = null;
    if (pixels && sizes) {
      const [h, w] = sizes[i]!;
      media = new Image(pixels.subarray(offset, offset + h * w), h, w, 1);
      offset += h * w;
    }
    items.push(new DatasetItem({ id, subset: files.subset, media, annotations }));
  }
  return items;
}

export async function importMnist(source: DatasetSource): Promise<ImportedDataset> {
  const layout = await findMnistLayout(source);
  if (!layout) {
    throw new DatasetImportError(ErrorCode.FORMAT_NOT_DETECTED, `no MNIST labels file (<subset>-labels-idx1-ubyte[.gz]) found`, {
      file: source.tree.display(source.start) || source.tree.label,
    });
  }
  const cats = await loadCategories(source.tree, layout.root);
  const parts: (ColumnarSubset | DatasetItem[])[] = [];
  for (const files of layout.subsets) {
    let subsetItems: ColumnarSubset | DatasetItem[];
    try {
      subsetItems = await importSubset(source.tree, files, cats, budgetOf(source));
    } catch (err) {
      if (err instanceof CifarkitError) throw err;
      throw new DatasetImportError(ErrorCode.IDX_INVALID, `unexpected content: ${String(err)}`, { file: source.tree.display(files.labels), cause: err });
    }
    parts.push(subsetItems);
  }
  return { labels: cats, items: [], parts, subsets: layout.subsets.map((s) => s.subset) };
}

