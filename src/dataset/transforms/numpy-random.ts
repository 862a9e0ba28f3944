/**
 * numpy's legacy `RandomState` (numpy 1.x `np.random.seed` / `shuffle` / `permutation` / `choice`
 * / `rand` / `uniform`), as far as Datumaro's split and ndr use it. The generator is the same
 * MT19937 as CPython's, but seeded differently (`init_genrand(seed)`, not `init_by_array`) and
 * drawing bounded integers from the low bits by masking (`random_interval`), so the same seed
 * gives another sequence than `random.Random`.
 */
import { ErrorCode, UsageError } from '../../errors.js';
import { MT19937 } from './mt19937.js';

export class NumpyRandomState {
  private readonly mt: MT19937;

  /** `np.random.seed(seed)`: an integer in [0, 2**32 - 1]. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `a numpy seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    this.mt = MT19937.fromSeed(seed);
  }

  /** The next 32-bit output. */
  next32(): number {
    return this.mt.next32();
  }

  /** `random_sample()`: a double in [0, 1) from two outputs (27 + 26 bits). */
  double(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Skips `count` doubles (what `uniform(size=count)` draws when its values are not needed). */
  skipDoubles(count: number): void {
    for (let i = 0; i < 2 * count; i++) this.next32();
  }

  /** `random_interval(max)`: a uniform integer in [0, max], max < 2**32, by masking and rejection. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (this.next32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  /** `shuffle(list)`: Fisher-Yates from the end, both for lists and for 1-D arrays. */
  shuffle<T>(list: T[]): void {
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = list[i]!;
      list[i] = list[j]!;
      list[j] = t;
    }
  }

  /** `permutation(n)`: a shuffled `arange(n)`. */
  permutation(n: number): number[] {
    const out = Array.from({ length: n }, (_, i) => i);
    this.shuffle(out);
    return out;
  }

  /**
   * `choice(len(p or n), size, replace=False, p)`: indices. Without `p`, the first `size` of a
   * permutation; with `p`, numpy's loop of `rand(size - found)` looked up in the normalised
   * cumulative sum, repeats dropped, found entries' probability set to 0, until enough.
   */
  choiceWithoutReplacement(n: number, size: number, p?: readonly number[]): number[] {
    if (!p) return this.permutation(n).slice(0, size);
    const prob = [...p];
    const found: number[] = [];
    while (found.length < size) {
      const x = Array.from({ length: size - found.length }, () => this.double());
      for (const f of found) prob[f] = 0;
      const cdf = new Array<number>(prob.length);
      let sum = 0;
      for (let i = 0; i < prob.length; i++) cdf[i] = sum += prob[i]!;
      const last = cdf[cdf.length - 1]!;
      for (let i = 0; i < cdf.length; i++) cdf[i] = cdf[i]! / last;
      // searchsorted(side='right'), then np.unique(return_index) keeps each value's first draw.
      const firstAt = new Map<number, number>();
      x.forEach((v, at) => {
        let lo = 0;
        let hi = cdf.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cdf[mid]! <= v) lo = mid + 1;
          else hi = mid;
        }
        if (!firstAt.has(lo)) firstAt.set(lo, at);
      });
      const fresh = [...firstAt].sort((a, b) => a[1] - b[1]).map(([value]) => value);
      for (const value of fresh) if (found.length < size) found.push(value);
    }
    return found;
  }
}
