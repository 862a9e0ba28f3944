/** `cifarkit detect <path>`: datum detect — the format of a dataset. */
import { Dataset } from '../../index.js';
import { defineCommand } from '../command.js';
import { CliUsageError } from '../common.js';
import { json, noPassThrough } from '../options.js';

export const detect = defineCommand({
  command: 'detect <path>',
  describe: 'Detect the format of a dataset',
  positionals: { path: { type: 'string', describe: 'a folder, an archive or a file of a dataset' } },
  options: { ...json },
  epilog: 'Exit code 0 when a format is detected, 1 when none is (as datum prints "Unable to detect the format").',
  prepare(a, ctx) {
    noPassThrough(a, 'detect');
    const { path } = a;
    if (path === '') throw new CliUsageError('detect needs a path');
    return async () => {
      const found = await Dataset.detect(path, ctx.importOptions);
      const format = found[0] ?? null;
      if (a.json) ctx.printJson({ path, format, matches: found });
      else if (format) ctx.print(`Detected format: ${format}${found.length > 1 ? ` (its files also fit: ${found.slice(1).join(', ')})` : ''}`);
      else ctx.print('Unable to detect the format');
      return format ? 0 : 1;
    };
  },
});
