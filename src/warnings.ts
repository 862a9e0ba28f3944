/**
 * What an import noticed and worked around without failing: real producers write files that
 * are slightly off (a batch naming one file twice). Each warning says what was done about it,
 * so nothing is changed or dropped without a word. `Dataset.importWarnings` lists them.
 */

/** Stable warning codes. New codes may be added; existing ones keep their meaning. */
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

export type WarningCode = (typeof WarningCode)[keyof typeof WarningCode];

/** One thing an import worked around. */
export interface ImportWarning {
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
