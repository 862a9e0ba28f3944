/** `cifarkit convert`: datum convert — read a dataset, optionally filter it, write another format. */
import { MAX_WORKERS, Dataset } from '../../index.js';
import { defineCommand } from '../command.js';
import { cliExportOptions, exportArgsHelp } from '../common.js';
import { filterExpression, filterMode, formatChoice, inputFormat, inputPath, int, json, outputDir, overwrite, parseFilterMode, passThrough, workers } from '../options.js';
import { checkOutputDir, defaultConvertOutput, exportWithProgress, loadTarget, warnNoMedia } from '../targets.js';

export const convert = defineCommand({
  command: 'convert',
  describe: 'Convert a dataset to another format',
  options: {
    ...inputPath,
    ...inputFormat,
    'output-format': { alias: 'f', ...formatChoice, demandOption: true, describe: 'the format to write' },
    ...outputDir('output folder (default: <input name>-<format> in the current folder, numbered if taken)'),
    ...overwrite,
    ...filterExpression,
    ...filterMode,
    ...workers,
    ...json,
  },
  epilog: `Exporter options go after --: ${exportArgsHelp()}.\nAs with datum, images are written only with --save-media.`,
  examples: [
    ['$0 convert -if cifar -i cifar-10-batches-py -f imagenet -o out -- --save-media', 'CIFAR to ImageNet folders, with the images'],
    [`$0 convert --input-format cifar --input-path data --output-format imagenet --filter '/item[annotation/label="dog"]'`, 'only the dogs, into data-imagenet/'],
  ],
  async prepare(a, ctx) {
    const input = a['input-path'];
    const format = a['output-format'];
    const inFormat = a['input-format'];
    const expr = a.filter;
    const mode = parseFilterMode(a['filter-mode'], '--filter-mode');
    // Checked now: a bad XPath must fail before the dataset is read.
    if (expr !== undefined) Dataset.fromIterable([]).filter(expr, { mode });
    const options = cliExportOptions(passThrough(a), format, a.overwrite);
    const threads = int(a.workers, '--workers', 1, MAX_WORKERS);
    const out = a['output-dir'] ?? (await defaultConvertOutput(input, format));
    await checkOutputDir(out, a.overwrite);
    return async () => {
      let ds = await loadTarget({ kind: 'path', path: input, format: inFormat }, ctx);
      if (expr !== undefined) ds = ds.filter(expr, { mode });
      const files = await exportWithProgress(ds, out, format, options, ctx, threads);
      const result = { input, inputFormat: ds.format, output: out, format, items: ds.size, files };
      if (a.json) ctx.printJson(result);
      else ctx.print(`converted ${ds.size} items (${ds.format} -> ${format}) into ${out}: ${files} files`);
      warnNoMedia(format, options, ctx);
    };
  },
});
