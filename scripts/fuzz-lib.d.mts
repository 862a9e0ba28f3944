/** Types of scripts/fuzz-lib.mjs, for the vitest slice (test/fuzz/fuzz.test.ts). */
export interface CorpusEntry {
  target: string;
  name: string;
  files: Record<string, Uint8Array>;
  mutable: string[];
}
export interface Corpus {
  entries: CorpusEntry[];
  corpusBytes: Uint8Array[];
}
export interface FuzzCase {
  index: number;
  target: string;
  entry: string;
  path: string;
  how: string;
  files: Record<string, Uint8Array>;
}
export interface CaseResult {
  outcome: string;
  finding?: string;
  error?: Error;
}
export const OPCODES: number[];
export function scanPickle(buf: Uint8Array): { op: number; at: number; argAt: number; end: number }[];
export function loadCorpus(api: object, repo: string): Promise<Corpus>;
export function makeCase(corpus: Corpus, seed: number, index: number): FuzzCase;
export function runCase(api: object, c: Pick<FuzzCase, 'target' | 'files' | 'path'>): Promise<CaseResult>;
