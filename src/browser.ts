/**
 * cifarkit for browsers (and any runtime without a filesystem): the full API; datasets come
 * from in-memory files (`File[]` from an <input>, or a Record/Map of path -> bytes).
 */
export * from './api.js';
