/** `cifarkit transform [target] -t <name>`: datum transform, with its options after `--`. */
import { MAX_WORKERS, parseTransformArgs, transformNames } from '../../index.js';
import { checkTransformName, transformUsage } from '../../dataset/transforms/index.js';
import { defineCommand } from '../command.js';
import { int, passThrough, rewriteOptions } from '../options.js';
import { checkOutputDir, exportWithProgress, inPlaceOutput, loadTarget, targetFromArgs } from '../targets.js';

export const transform = defineCommand({
  command: 'transform [target]',
  describe: `Apply a transform: ${transformNames().join(', ')}`,
  positionals: { target: { type: 'string', describe: 'the dataset: <path>[:<format>] (default: the project)' } },
  options: {
    transform: { alias: 't', type: 'string', requiresArg: true, demandOption: true, describe: 'the transform' },
    ...rewriteOptions,
  },
  epilog: "Transform options go after --, as datum's (cifarkit transform -t <name> -- -h lists them).",
  examples: [['$0 transform data -t random_split -o split -- -s train:.8 -s val:.2 --seed 1', 'a seeded 80/20 split']],
  async prepare(a, ctx) {
    const name = checkTransformName(a.transform);
    const args = passThrough(a);
    if (args.includes('-h') || args.includes('--help')) {
      const usage = transformUsage(name);
      return async () => ctx.print(usage);
    }
    const options = parseTransformArgs(name, args);
    const target = targetFromArgs(a);
    const threads = int(a.workers, '--workers', 1, MAX_WORKERS);
    const out = a['output-dir'] ?? (await inPlaceOutput(target, 'transform'));
    await checkOutputDir(out, a.overwrite);
    return async () => {
      const ds = await loadTarget(target, ctx);
      const result = ds.transform(name, options);
      const format = a['output-format'] ?? ds.format ?? 'cifar';
      const files = await exportWithProgress(result, out, format, { saveMedia: true, overwrite: a.overwrite }, ctx, threads);
      const summary = { transform: name, items: result.size, subsets: result.subsets(), labels: result.labels.items.map((l) => l.name), output: out, format, files };
      if (a.json) ctx.printJson(summary);
      else ctx.print(`${name}: ${result.size} items in ${result.subsets().join(', ') || '(no subsets)'}; wrote ${format} to ${out} (${files} files)`);
    };
  },
});
