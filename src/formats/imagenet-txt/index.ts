/**
 * ImageNet-txt: list files of image paths and label indices. Datumaro:
 * plugins/data_formats/imagenet_txt.py (format `imagenet_txt`).
 */
import type { DatasetFormat } from '../format.js';
import { exportImagenetTxt } from './export.js';
import { detectImagenetTxt, importImagenetTxt } from './import.js';

export const imagenetTxtFormat: DatasetFormat = {
  name: 'imagenet_txt',
  detect: detectImagenetTxt,
  import: importImagenetTxt,
  export: exportImagenetTxt,
};
