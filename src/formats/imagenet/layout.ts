/**
 * ImageNet-style folders: `<label>/<name>.<ext>`, `no_label/` (or the root) for unlabelled
 * images. Datumaro: plugins/data_formats/imagenet.py.
 *
 * Labels are the top-level folders; everything below a label folder is the image's name, so an
 * item id with '/' (`cat:a/b/c`, written to `cat/a/b/c.png`) reads back unchanged. (Datumaro
 * since 2024 reads nested folders as nested labels instead; ImageNet itself is flat.)
 */
import { joinPath, splitExt, type FileTree } from '../../sources/file-tree.js';

export const NO_LABEL_DIR = 'no_label';
/** Between the label and the file name in an item id: `cat:img_1`. */
export const ID_SEPARATOR = ':';
/** Datumaro's default (`ImagenetExporter.DEFAULT_IMAGE_EXT`). */
export const DEFAULT_IMAGE_EXT = '.jpg';
/** The file extensions Datumaro counts as images (`datumaro.util.image.IMAGE_EXTENSIONS`). cifarkit decodes PNG and JPEG. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg', '.jpeg', '.jpe', '.jp2', '.png', '.bmp', '.dib', '.tif', '.tiff', '.tga', '.webp', '.pfm',
  '.sr', '.ras', '.exr', '.hdr', '.pic', '.pbm', '.pgm', '.ppm', '.pxm', '.pnm',
]);
/** Top-level folder names that make a tree not an ImageNet tree (Datumaro's SUBSET_NAME_BLACKLIST). */
export const FOLDER_BLACKLIST: ReadonlySet<string> = new Set(['labels', 'images', 'annotations', 'instances']);
/** Folder names that mark subsets in `imagenet_with_subset_dirs` (Datumaro's SUBSET_NAME_WHITELIST). */
export const SUBSET_WHITELIST: ReadonlySet<string> = new Set(['train', 'test', 'val']);
/** How deep folders are followed (Datumaro's os_util.DEFAULT_MAX_DEPTH). */
export const MAX_DEPTH = 10;

export function isImageFile(name: string): boolean {
  const [stem, ext] = splitExt(name);
  return stem !== '' && IMAGE_EXTENSIONS.has(ext.toLowerCase());
}

/** What is in a folder tree; paths are relative to its root. Dot-folders and dotfiles that are not images are skipped. */
export interface TreeListing {
  /** Every folder below the root. */
  dirs: string[];
  /** Image files (by extension). */
  images: string[];
  /** Files that are not images. */
  others: string[];
  /** Folders with neither files nor sub-folders. */
  emptyDirs: string[];
}

/** Lists a folder tree (sorted, depth-first), following folders down to MAX_DEPTH levels. */
export async function listTree(tree: FileTree, root: string): Promise<TreeListing> {
  const out: TreeListing = { dirs: [], images: [], others: [], emptyDirs: [] };
  const visit = async (rel: string, depth: number) => {
    // '.hidden.jpg' is an image (as in Datumaro); '.DS_Store', '.git/' and the like are not part of the tree.
    const entries = (await tree.list(rel === '' ? root : joinPath(root, rel))).filter((e) => !e.name.startsWith('.') || (e.kind === 'file' && isImageFile(e.name)));
    if (rel !== '' && entries.length === 0) out.emptyDirs.push(rel);
    for (const e of entries) {
      const path = joinPath(rel, e.name);
      if (e.kind === 'file') (isImageFile(e.name) ? out.images : out.others).push(path);
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) {
      if (e.kind !== 'dir') continue;
      const path = joinPath(rel, e.name);
      out.dirs.push(path);
      await visit(path, depth + 1);
    }
  };
  await visit('', 0);
  return out;
}

/**
 * Whether a folder holds an ImageNet tree, by Datumaro's rule (`contains_only_images` and the
 * blacklist): at least one image, only images (dotfiles aside), no empty folder, and no
 * top-level folder named labels/images/annotations/instances.
 */
export async function isImagenetTree(tree: FileTree, root: string): Promise<boolean> {
  if ((await tree.kind(root)) !== 'dir') return false;
  const top = await tree.list(root);
  if (top.some((e) => e.kind === 'dir' && FOLDER_BLACKLIST.has(e.name.toLowerCase()))) return false;
  const listing = await listTree(tree, root);
  return listing.images.length > 0 && listing.others.length === 0 && listing.emptyDirs.length === 0;
}

/** The label of an image path: its top-level folder, NO_LABEL_DIR for images in the root. */
export function labelOfImage(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? NO_LABEL_DIR : path.slice(0, slash);
}

/** The item id of an image path: `<label>:<path below the label folder, without extension>`. */
export function idOfImage(path: string): string {
  const slash = path.indexOf('/');
  const below = slash < 0 ? path : path.slice(slash + 1);
  return `${labelOfImage(path)}${ID_SEPARATOR}${splitExt(below)[0]}`;
}

/**
 * The file name (without extension) an item is written under: the id without its first
 * ':'-part, further ':' replaced by '_' (Datumaro's `_get_name`; ':' is not allowed on Windows).
 */
export function exportName(id: string): string {
  const parts = id.split(ID_SEPARATOR);
  return parts.length === 1 ? id : parts.slice(1).join('_');
}
