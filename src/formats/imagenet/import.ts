/** Reading ImageNet folders (Datumaro's ImagenetBase), with or without subset folders. */
import { Label, LabelCategories } from '../../model/annotations.js';
import { DatasetItem } from '../../model/item.js';
import { Image } from '../../image/image.js';
import { CifarkitError, DatasetImportError, ErrorCode } from '../../errors.js';
import { decodeImage } from '../../image/codecs.js';
import { comparePaths } from '../common.js';
import type { DecodeBudget } from '../../limits.js';
import { budgetOf, joinPath, type DatasetSource, type FileTree } from '../../sources/file-tree.js';
import type { ImportedDataset } from '../format.js';
import { idOfImage, labelOfImage, listTree, NO_LABEL_DIR } from './layout.js';

/** Label categories of a tree: its top-level folders except `no_label`, sorted by name. */
function categoriesOf(dirs: string[]): LabelCategories {
  const cats = new LabelCategories();
  for (const dir of [...dirs].sort(comparePaths)) {
    if (dir === NO_LABEL_DIR || dir.includes('/')) continue;
    cats.add(dir);
  }
  return cats;
}

async function readImages(tree: FileTree, root: string, images: string[], subset: string, cats: LabelCategories, budget: DecodeBudget): Promise<DatasetItem[]> {
  budget.addItems(images.length, tree.display(root));
  const items: DatasetItem[] = [];
  const seen = new Set<string>();
  for (const path of images) {
    const id = idOfImage(path);
    // Two files with one id (cat/x.jpg, cat/x.png): the first is kept, as in Datumaro.
    if (seen.has(id)) continue;
    seen.add(id);
    const file = tree.display(joinPath(root, path));
    let media;
    try {
      const decoded = decodeImage(await tree.read(joinPath(root, path)), file, budget);
      media = new Image(decoded.data, decoded.height, decoded.width, decoded.channels, { ext: decoded.ext, path });
    } catch (err) {
      if (err instanceof CifarkitError) throw err.withLocation({ file, item: id });
      throw err;
    }
    const label = labelOfImage(path);
    const annotations = label === NO_LABEL_DIR ? [] : [new Label(cats.find(label))];
    items.push(new DatasetItem({ id, subset, media, annotations }));
  }
  return items;
}

async function requireFolder(source: DatasetSource, format: string): Promise<void> {
  if ((await source.tree.kind(source.start)) !== 'dir') {
    throw new DatasetImportError(ErrorCode.FORMAT_NOT_DETECTED, `${format} reads a folder, not a file`, {
      file: source.tree.display(source.start) || source.tree.label,
    });
  }
}

/** One ImageNet tree as the subset 'default'. */
export async function importImagenet(source: DatasetSource): Promise<ImportedDataset> {
  await requireFolder(source, 'imagenet');
  const { tree, start } = source;
  const listing = await listTree(tree, start);
  const labels = categoriesOf(listing.dirs);
  const items = await readImages(tree, start, listing.images, 'default', labels, budgetOf(source));
  return { labels, items, subsets: ['default'] };
}

/**
 * `<subset>/<ImageNet tree>`: every folder of the root is a subset (sorted by name); the label
 * categories are the union over the subsets, in subset order.
 */
export async function importImagenetWithSubsetDirs(source: DatasetSource): Promise<ImportedDataset> {
  await requireFolder(source, 'imagenet_with_subset_dirs');
  const { tree, start } = source;
  const subsetDirs = (await tree.list(start)).filter((e) => e.kind === 'dir' && !e.name.startsWith('.')).map((e) => e.name);
  const labels = new LabelCategories();
  const listings = [];
  for (const subset of subsetDirs) {
    const listing = await listTree(tree, joinPath(start, subset));
    for (const cat of categoriesOf(listing.dirs)) if (labels.find(cat.name) < 0) labels.add(cat.name, cat.parent);
    listings.push({ subset, listing });
  }
  const items: DatasetItem[] = [];
  for (const { subset, listing } of listings) {
    for (const item of await readImages(tree, joinPath(start, subset), listing.images, subset, labels, budgetOf(source))) items.push(item);
  }
  return { labels, items, subsets: subsetDirs };
}
