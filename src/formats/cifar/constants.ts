/**
 * CIFAR-10/100 "python version" layout, as the original archives and Datumaro write it.
 * https://www.cs.toronto.edu/~kriz/cifar.html ; Datumaro: plugins/data_formats/cifar.py
 */

export const META_10_FILE = 'batches.meta';
export const META_100_FILE = 'meta';
/** Images without an `image_sizes` entry are this many pixels high and wide. */
export const IMAGE_SIZE = 32;
/** How many folder levels below the given path the meta file is searched for (as Datumaro). */
export const MAX_SEARCH_DEPTH = 3;

/** Label names used when a dataset has no meta file. */
export const CIFAR10_LABELS: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
