/**
 * ImageNet as folders of images named by label, and its variant with a folder per subset.
 * Datumaro: plugins/data_formats/imagenet.py (formats `imagenet`, `imagenet_with_subset_dirs`).
 */
import { joinPath } from '../../sources/file-tree.js';
import type { DatasetFormat } from '../format.js';
import { exportImagenet, exportImagenetWithSubsetDirs } from './export.js';
import { importImagenet, importImagenetWithSubsetDirs } from './import.js';
import { isImagenetTree, SUBSET_WHITELIST } from './layout.js';

export const imagenetFormat: DatasetFormat = {
  name: 'imagenet',
  detect: (source) => isImagenetTree(source.tree, source.start),
  import: importImagenet,
  export: exportImagenet,
};

export const imagenetWithSubsetDirsFormat: DatasetFormat = {
  name: 'imagenet_with_subset_dirs',
  /**
   * A folder whose sub-folders are all ImageNet trees, at least one named train, val or test
   * (any case), with no files beside them (dotfiles aside).
   */
  async detect({ tree, start }) {
    if ((await tree.kind(start)) !== 'dir') return false;
    const entries = (await tree.list(start)).filter((e) => !e.name.startsWith('.'));
    if (entries.length === 0 || entries.some((e) => e.kind !== 'dir')) return false;
    if (!entries.some((e) => SUBSET_WHITELIST.has(e.name.toLowerCase()))) return false;
    for (const e of entries) if (!(await isImagenetTree(tree, joinPath(start, e.name)))) return false;
    return true;
  },
  import: importImagenetWithSubsetDirs,
  export: exportImagenetWithSubsetDirs,
};
