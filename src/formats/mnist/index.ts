/**
 * MNIST idx files, plain or gzipped: http://yann.lecun.com/exdb/mnist/ . Datumaro:
 * plugins/data_formats/mnist.py (format `mnist`).
 */
import type { DatasetFormat } from '../format.js';
import { exportMnist } from './export.js';
import { importMnist } from './import.js';
import { findMnistRoots } from './layout.js';

export const mnistFormat: DatasetFormat = {
  name: 'mnist',
  /** A `<subset>-labels-idx1-ubyte[.gz]` file in the folder or up to 3 levels below (by name; the contents are checked on import). */
  detect: async (source) => (await findMnistRoots(source)).length > 0,
  import: importMnist,
  export: exportMnist,
};

export type { MnistExportOptions } from './export.js';
