/** One dataset item: an id unique within its subset, optional media, annotations. */
import { ErrorCode, UsageError } from '../errors.js';
import type { Annotation } from './annotations.js';
import type { Image } from '../image/image.js';

export interface DatasetItemInit {
  id: string;
  subset?: string;
  media?: Image | null;
  annotations?: Annotation[];
  attributes?: Record<string, unknown>;
}

export class DatasetItem {
  readonly id: string;
  readonly subset: string;
  readonly media: Image | null;
  readonly annotations: Annotation[];
  readonly attributes: Record<string, unknown>;

  constructor(init: DatasetItemInit) {
    if (typeof init.id !== 'string' || init.id === '') {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'a DatasetItem needs a non-empty string id');
    }
    this.id = init.id;
    this.subset = init.subset ?? 'default';
    this.media = init.media ?? null;
    this.annotations = init.annotations ?? [];
    this.attributes = init.attributes ?? {};
  }
}
