/**
 * The command-line tables of the transforms (declared with the option-spec helpers of
 * src/dataset/transforms/options.ts): every integer option reads its value as argparse's
 * `type=int` does, ranges are checked, and the usage text shows each option's own metavar.
 */
import { describe, expect, it } from 'vitest';
import { parseTransformArgs, transformNames } from '../../src/index.js';
import { transformUsage } from '../../src/dataset/transforms/index.js';
import { expectCifarkitError } from '../helpers.js';

describe('integer options (argparse type=int)', () => {
  // [transform, flag, option key, smallest, largest]
  const INTS = [
    ['random_split', '--seed', 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ['remove_duplicates', '--threshold', 'threshold', 0, 64],
    ['reindex', '--start', 'start', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ['resize', '--width', 'width', 1, Number.MAX_SAFE_INTEGER],
    ['split', '--seed', 'seed', 0, 0xffffffff],
    ['random_sampler', '--count', 'count', 0, Number.MAX_SAFE_INTEGER],
    ['ndr', '--num_cut', 'numCut', 0, Number.MAX_SAFE_INTEGER],
  ] as const;

  it.each(INTS)('%s %s takes a sign and spaces, as int() does', (name, flag, key) => {
    expect(parseTransformArgs(name, [flag, '+5'])).toEqual({ [key]: 5 });
    expect(parseTransformArgs(name, [`${flag}= 7 `])).toEqual({ [key]: 7 });
  });

  it.each(INTS)('%s %s refuses non-integers and values outside its range', async (name, flag, _key, min, max) => {
    for (const bad of ['x', '1.5', '', '1e3', '9007199254740993']) await expectCifarkitError(() => parseTransformArgs(name, [flag, bad]), 'INVALID_ARGUMENT', [`'${flag}'`, `'${bad}'`]);
    if (min > Number.MIN_SAFE_INTEGER) await expectCifarkitError(() => parseTransformArgs(name, [flag, String(min - 1)]), 'INVALID_ARGUMENT', [`'${flag}'`, String(min)]);
    if (max < Number.MAX_SAFE_INTEGER) {
      expect(parseTransformArgs(name, [flag, String(max)])).toEqual({ [_key]: max });
      await expectCifarkitError(() => parseTransformArgs(name, [flag, String(max + 1)]), 'INVALID_ARGUMENT', [`'${flag}'`, `${min}-${max}`]);
    }
  });
});

describe('choices and pairs', () => {
  it('names the choices of a choice option', async () => {
    await expectCifarkitError(() => parseTransformArgs('remap_labels', ['--default', 'drop']), 'INVALID_ARGUMENT', ["'--default'", 'keep, delete', "'drop'"]);
    await expectCifarkitError(() => parseTransformArgs('split', ['-t', 'x']), 'INVALID_ARGUMENT', ['classification, detection, segmentation, reid']);
  });

  it('splits <a>:<b> at its only colon, and ratios must be numbers', async () => {
    expect(parseTransformArgs('split', ['-s', 'train:.5', '-s', 'test:0.5'])).toEqual({ splits: [['train', 0.5], ['test', 0.5]] });
    await expectCifarkitError(() => parseTransformArgs('map_subsets', ['-s', 'a:b:c']), 'INVALID_ARGUMENT', ["'<src>:<dst>' (one ':')", "'a:b:c'"]);
    await expectCifarkitError(() => parseTransformArgs('split', ['-s', 'train:']), 'INVALID_ARGUMENT', ["'' is not a number in 'train:'"]);
    expect(parseTransformArgs('remove_items', ['--id', 'a:b:train', '--id', 'x'])).toEqual({ ids: [['a:b', 'train'], ['x']] });
  });
});

describe('usage text', () => {
  it("shows each option's flags, metavar and help in one line", () => {
    expect(transformUsage('split')).toBe(
      [
        "split: Splits all items anew into subsets by ratios, keeping each label's share (Datumaro's classification splitter).",
        '',
        'Options:',
        "  -t, --task classification              the task (only 'classification' fits labels; default)",
        '  -s, --subset <subset>:<ratio>          a subset and its share, ratios summing to 1 (repeatable; default: train:.5, val:.2, test:.3)',
        "  --seed <int>                           numpy's random seed, 0 to 2**32-1 (the same split as Datumaro for the same seed and item order)",
        '',
      ].join('\n'),
    );
    expect(transformUsage('reindex')).toContain('  --reindex-each-subset  ');
  });

  it('every flag its usage shows is known to the parser (a switch, or an option that needs its value)', () => {
    let count = 0;
    for (const name of transformNames()) {
      for (const line of transformUsage(name).split('\n').filter((l) => l.startsWith('  -'))) {
        const words = line.trim().split(' ');
        const flags = words.slice(0, words.findIndex((w) => !w.startsWith('-')));
        for (const flag of flags) {
          const flagName = flag.replace(/,$/, '');
          count++;
          if (flagName === '--reindex-each-subset') expect(parseTransformArgs(name, [flagName])).toEqual({ eachSubset: true });
          else expect(() => parseTransformArgs(name, [flagName]), `${name} ${flagName}`).toThrow(`option '${flagName}' needs a value`);
        }
      }
    }
    expect(count).toBe(59);
  });
});
