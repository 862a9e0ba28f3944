/**
 * What an import noticed and worked around without failing: real producers write files that
 * are slightly off (a batch naming one file twice). Each warning says what was done about it,
 * so nothing is changed or dropped without a word. `Dataset.importWarnings` lists them.
 */

/**
 * Stable warning codes. New codes may be added; existing ones keep their meaning.
 *
 * @example
 * ```ts
 * import { Dataset, WarningCode } from 'cifarkit';
 * import { DType, NdArray, writePickle, type PyWritable } from 'cifarkit/pickle';
 *
 * // A CIFAR batch whose `filenames` give two images the same id ('a').
 * const batch = new Map<string, PyWritable>([
 *   ['batch_label', 'training batch 1 of 1'],
 *   ['labels', [0, 0]],
 *   ['data', new NdArray().init([2, 3072], new DType('u1'), false, new Uint8Array(2 * 3072))],
 *   ['filenames', ['a.png', 'a.jpg']],
 * ]);
 * const meta = new Map<string, PyWritable>([['label_names', ['cat']]]);
 * const ds = await Dataset.importFrom({ data_batch_1: writePickle(batch), 'batches.meta': writePickle(meta) }, 'cifar');
 * console.log(ds.importWarnings.map((w) => w.code === WarningCode.DUPLICATE_ITEM_ID)); // [ true ]
 * ```
 */
export const WarningCode = {
  /**
   * Two items of a subset have the same id (a batch whose `filenames` name a file twice, or
   * `a.png` and `a.jpg`). Every item is kept: the later ones get new ids (see `renamedTo`).
   */
  DUPLICATE_ITEM_ID: 'DUPLICATE_ITEM_ID',
  /**
   * Items of one CIFAR-100 fine label name different coarse labels. A label has one parent:
   * the first item's; an export writes that parent's coarse index for every item of the label.
   */
  COARSE_LABEL_MISMATCH: 'COARSE_LABEL_MISMATCH',
} as const;

/**
 * One of the {@link WarningCode} strings.
 *
 * @example
 * ```ts
 * import { WarningCode } from 'cifarkit';
 *
 * const code: WarningCode = WarningCode.COARSE_LABEL_MISMATCH;
 * console.log(code); // COARSE_LABEL_MISMATCH
 * ```
 */
export type WarningCode = (typeof WarningCode)[keyof typeof WarningCode];

/**
 * One thing an import worked around (see `Dataset.importWarnings`).
 *
 * @example
 * ```ts
 * import { Dataset, type ImportWarning } from 'cifarkit';
 * import { DType, NdArray, writePickle, type PyWritable } from 'cifarkit/pickle';
 *
 * // A CIFAR batch whose `filenames` give two images the same id ('a').
 * const batch = new Map<string, PyWritable>([
 *   ['batch_label', 'training batch 1 of 1'],
 *   ['labels', [0, 0]],
 *   ['data', new NdArray().init([2, 3072], new DType('u1'), false, new Uint8Array(2 * 3072))],
 *   ['filenames', ['a.png', 'a.jpg']],
 * ]);
 * const meta = new Map<string, PyWritable>([['label_names', ['cat']]]);
 * const ds = await Dataset.importFrom({ data_batch_1: writePickle(batch), 'batches.meta': writePickle(meta) }, 'cifar');
 * const warning: ImportWarning | undefined = ds.importWarnings[0];
 * console.log(warning?.item, warning?.renamedTo, [...ds].map((item) => item.id)); // a a_2 [ 'a', 'a_2' ]
 * ```
 */
export interface ImportWarning {
  /** What kind of workaround it was. */
  code: WarningCode;
  /** One line for a person: where, what, and what was done. */
  message: string;
  /** The file (as given to cifarkit, or the in-memory file name). */
  file?: string;
  /** The subset of the item. */
  subset?: string;
  /** Zero-based item index within the file. */
  index?: number;
  /** The item's id as the file gives it. */
  item?: string;
  /** DUPLICATE_ITEM_ID: the id the item was given instead. */
  renamedTo?: string;
}
