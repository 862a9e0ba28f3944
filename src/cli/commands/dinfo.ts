/** `cifarkit dinfo [target]` (alias `info`): datum dinfo — what is in a dataset. */
import { defineCommand } from '../command.js';
import { datasetInfo, formatInfo } from '../info-report.js';
import { inputFormat, json, noPassThrough, project } from '../options.js';
import { loadTarget, targetFromArgs, targetName } from '../targets.js';

export const dinfo = defineCommand({
  command: 'dinfo [target]',
  aliases: ['info [target]'],
  describe: "Show a dataset's format, subsets, label histogram and image sizes",
  positionals: { target: { type: 'string', describe: 'the dataset: <path>[:<format>] (default: the project)' } },
  options: {
    all: { type: 'boolean', default: false, describe: "accepted for datum's sake: every section is always printed" },
    ...inputFormat,
    ...project,
    ...json,
  },
  prepare(a, ctx) {
    noPassThrough(a, 'dinfo');
    const target = targetFromArgs(a);
    return async () => {
      const info = datasetInfo(await loadTarget(target, ctx), targetName(target));
      if (a.json) ctx.printJson(info);
      else ctx.print(formatInfo(info));
    };
  },
});
