/** CPython's `random.Random` (Datumaro's random_split and samplers use it). */
import { MT19937 } from './mt19937.js';

/**
 * CPython's `random.Random` as far as `seed(int)` and `shuffle(list)` go: MT19937 seeded by
 * `init_by_array` with the 32-bit words of |seed|, `_randbelow` by rejection on `getrandbits`.
 */
export class PythonRandom {
  private readonly mt: MT19937;

  constructor(seed: number) {
    let n = BigInt(Math.abs(seed));
    const key: number[] = [];
    do {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    } while (n > 0n);
    this.mt = MT19937.fromKey(key);
  }

  /** A uniform integer in [0, n), 1 <= n < 2**32 (`_randbelow_with_getrandbits`). */
  randbelow(n: number): number {
    const k = 32 - Math.clz32(n); // n.bit_length()
    for (;;) {
      const r = this.mt.next32() >>> (32 - k);
      if (r < n) return r;
    }
  }

  /** `randint(a, b)`: a uniform integer in [a, b] (`a + _randbelow(b - a + 1)`), b - a + 1 < 2**32. */
  randint(a: number, b: number): number {
    return a + this.randbelow(b - a + 1);
  }

  /**
   * `sample(range(n), k)` (CPython 3.11): k distinct integers of [0, n), in draw order. Below a
   * table size CPython draws from a shrinking pool, above it it redraws repeats from a set; the
   * draws differ, so both are kept.
   */
  sampleRange(n: number, k: number): number[] {
    const result = new Array<number>(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j]!;
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = j;
      }
    }
    return result;
  }

  shuffle<T>(list: T[]): void {
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
  }
}
