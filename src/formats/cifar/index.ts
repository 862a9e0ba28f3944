/**
 * CIFAR-10/100, "python version": https://www.cs.toronto.edu/~kriz/cifar.html
 * Layout discovery (layout.ts), importer (import.ts), exporter (export.ts).
 */
import type { DatasetFormat } from '../format.js';
import { exportCifar } from './export.js';
import { importCifar } from './import.js';
import { findLayout } from './layout.js';

export const cifarFormat: DatasetFormat = {
  name: 'cifar',
  channelOrder: true,
  async detect(source) {
    return (await findLayout(source)) !== null;
  },
  import: importCifar,
  export: exportCifar,
};

export type { CifarExportOptions } from './export.js';
