/** Types of scripts/bytes.mjs. */
export function concatBytes(parts: Iterable<Uint8Array>): Uint8Array<ArrayBuffer>;
