/**
 * CIFAR-10/100 "binary version" (the archives `cifar-10-binary.tar.gz`, `cifar-100-binary.tar.gz`
 * of https://www.cs.toronto.edu/~kriz/cifar.html, "suitable for C programs"):
 *
 * - CIFAR-10, folder `cifar-10-batches-bin/`: `data_batch_1.bin` … `data_batch_5.bin`,
 *   `test_batch.bin`, and `batches.meta.txt` (the label names, one a line). Each file is a run of
 *   3073-byte records: `<1 byte label><3072 bytes pixels>`.
 * - CIFAR-100, folder `cifar-100-binary/`: `train.bin`, `test.bin`, `coarse_label_names.txt`,
 *   `fine_label_names.txt`. Records of 3074 bytes: `<1 byte coarse label><1 byte fine label><3072 bytes>`.
 *
 * The pixels are those of the Python version: a 32x32 image as the R plane, then G, then B, each
 * row-major (CHW, RGB). There are no file names, so an item's id is its record's index.
 */

/** Every image of the binary version is this many pixels high and wide. */
export const IMAGE_SIZE = 32;
/** Pixel bytes of one record (3 planes of 32x32). */
export const PIXEL_BYTES = 3 * IMAGE_SIZE * IMAGE_SIZE;
/** Record lengths: one label byte (CIFAR-10) or two (CIFAR-100: coarse, fine), then the pixels. */
export const RECORD_10 = 1 + PIXEL_BYTES;
export const RECORD_100 = 2 + PIXEL_BYTES;
/** A label is one byte: at most this many label names (or coarse names) can be referred to. */
export const MAX_LABELS = 256;

export const BATCH_EXT = '.bin';
export const META_10_FILE = 'batches.meta.txt';
export const COARSE_NAMES_FILE = 'coarse_label_names.txt';
export const FINE_NAMES_FILE = 'fine_label_names.txt';
/** The top folders of the official archives. */
export const ARCHIVE_FOLDER_10 = 'cifar-10-batches-bin';
export const ARCHIVE_FOLDER_100 = 'cifar-100-binary';
/** How many folder levels below the given path the label-name files are searched for (as for the Python version). */
export const MAX_SEARCH_DEPTH = 3;
