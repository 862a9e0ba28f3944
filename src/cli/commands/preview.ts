/** `cifarkit preview [target] -o <png>`: a contact sheet, one row per class (cifarkit's own). */
import { writeFileAtomic } from '../../io/node-fs.js';
import { encodeImage, renderMosaic } from '../../index.js';
import { defineCommand } from '../command.js';
import { inputFormat, int, noPassThrough, overwrite, project } from '../options.js';
import { checkOutputFile, loadTarget, targetFromArgs } from '../targets.js';

export const preview = defineCommand({
  command: 'preview [target]',
  describe: 'Draw a contact sheet: one row per class with its first images, label names beside the rows',
  positionals: { target: { type: 'string', describe: 'the dataset: <path>[:<format>] (default: the project)' } },
  options: {
    'output-file': { alias: 'o', type: 'string', requiresArg: true, demandOption: true, describe: 'the PNG to write' },
    'per-class': { type: 'number', default: 10, requiresArg: true, describe: 'images per class' },
    scale: { type: 'number', default: 2, requiresArg: true, describe: 'pixel scale of each image' },
    subset: { type: 'string', array: true, requiresArg: true, describe: 'only these subsets' },
    ...overwrite,
    ...inputFormat,
    ...project,
  },
  async prepare(a, ctx) {
    noPassThrough(a, 'preview');
    const target = targetFromArgs(a);
    const out = a['output-file'];
    const perClass = int(a['per-class'], '--per-class', 1, 1000);
    const scale = int(a.scale, '--scale', 1, 16);
    const subsets = a.subset;
    await checkOutputFile(out, a.overwrite);
    return async () => {
      const ds = await loadTarget(target, ctx);
      const { image, layout } = renderMosaic(ds, { perClass, scale, ...(subsets ? { subsets } : {}) });
      await writeFileAtomic(out, encodeImage(image, '.png'), { overwrite: a.overwrite });
      ctx.print(`wrote ${out}: ${layout.width}x${layout.height}, ${layout.rows.length} rows`);
    };
  },
});
