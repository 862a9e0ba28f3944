/**
 * `cifarkit project create|import|add|remove|export|info`: datum's project commands over a
 * folder holding `.cifarkit/config.json` (sources referenced where they are, not copied). Every
 * command works on the project in -p/--project, default the current folder.
 */
import * as nodePath from 'node:path';
import { MAX_WORKERS, Dataset } from '../../index.js';
import type { CliCommand, Context } from '../command.js';
import { cliExportOptions, CliUsageError, exportArgsHelp } from '../common.js';
import { filterExpression, filterModeOption, formatChoice, int, json, noPassThrough, outputDir, overwrite, parseFilterMode, passThrough, project, str, workers } from '../options.js';
import { createProject, importSource, readProject, removeSources } from '../project-store.js';
import { checkOutputDir, exportWithProgress, loadTarget, makeFileName, nextFreeName, parseSourceTarget, warnNoMedia } from '../targets.js';

function projectDir(a: Record<string, unknown>): string {
  return a.project === undefined ? '.' : String(a.project);
}

const create: CliCommand = {
  command: 'create',
  describe: 'Create an empty project',
  options: { ...outputDir('the project folder (default: current folder)'), ...overwrite },
  async prepare(a, ctx) {
    noPassThrough(a, 'project create');
    const dir = str(a, 'output-dir') ?? '.';
    return async () => ctx.print(`created project ${await createProject(dir, Boolean(a.overwrite))}`);
  },
};

/** `import` and `add` differ in datum by copying the data or not; cifarkit never copies. */
function addSource(name: 'import' | 'add', describe: string): CliCommand {
  return {
    command: `${name} <path>`,
    describe,
    positionals: { path: { type: 'string', describe: 'the dataset: a folder, an archive or a file of it' } },
    options: {
      format: { alias: 'f', ...formatChoice, describe: 'its format (detected when omitted)' },
      ...(name === 'import' ? { name: { alias: 'n', type: 'string', requiresArg: true, describe: 'source name (default source-N)' } } : {}),
      check: { type: 'boolean', default: true, describe: 'read the source now (--no-check: do not; then -f is required)' },
      ...project,
    },
    prepare(a, ctx) {
      noPassThrough(a, `project ${name}`);
      const path = String(a.path);
      const format = str(a, 'format');
      const check = Boolean(a.check);
      if (!check && format === undefined) throw new CliUsageError('--no-check needs -f/--format (the source is not read to detect it)');
      // datum: import names a source -n (default source-N), add after its folder.
      const sourceName = name === 'add' ? nodePath.basename(nodePath.resolve(path)) : str(a, 'name');
      if (sourceName !== undefined && !/^[\w.-]+$/.test(sourceName)) throw new CliUsageError(`-n/--name '${sourceName}': use letters, digits, '.', '_' and '-'`);
      return async () => {
        const { source, dataset } = await importSource(projectDir(a), path, format, sourceName, ctx.importOptions, check);
        ctx.print(`${name === 'import' ? 'imported' : 'added'} '${source.name}': ${source.format}${dataset ? `, ${dataset.size} items` : ''} from ${source.path}`);
      };
    },
  };
}

const remove: CliCommand = {
  command: 'remove <names..>',
  describe: 'Remove sources from the project (their data stays where it is)',
  positionals: { names: { type: 'string', array: true, describe: 'source names' } },
  options: {
    force: { type: 'boolean', default: false, describe: 'do not fail on a name the project does not have' },
    'keep-data': { type: 'boolean', default: true, describe: "accepted for datum's sake: cifarkit never deletes source data" },
    ...project,
  },
  prepare(a, ctx) {
    noPassThrough(a, 'project remove');
    const names = (a.names as unknown[]).map(String);
    return async () => {
      const removed = await removeSources(projectDir(a), names, Boolean(a.force));
      ctx.print(`removed ${removed.length ? removed.map((n) => `'${n}'`).join(', ') : 'nothing'}`);
    };
  },
};

const exportCommand: CliCommand = {
  command: 'export [target]',
  describe: "Export the project's sources (merged), or one source",
  positionals: { target: { type: 'string', describe: "a source name (default: all sources, datum's 'project')" } },
  options: {
    format: { alias: 'f', ...formatChoice, demandOption: true, describe: 'the format to write' },
    ...outputDir('output folder (default: export-<format>, numbered if taken, in the current folder)'),
    ...overwrite,
    ...filterExpression(),
    ...filterModeOption('filter-mode'),
    ...project,
    ...workers,
  },
  epilog: `Exporter options go after --: ${exportArgsHelp()}.`,
  async prepare(a, ctx) {
    const format = str(a, 'format')!;
    const expr = str(a, 'filter');
    const mode = parseFilterMode(a['filter-mode'], '--filter-mode');
    if (expr !== undefined) Dataset.fromIterable([]).filter(expr, { mode });
    const options = cliExportOptions(passThrough(a), format, Boolean(a.overwrite));
    const threads = int(a, 'workers', '--workers', 1, MAX_WORKERS);
    const out = str(a, 'output-dir') ?? (await nextFreeName(`export-${makeFileName(format)}`));
    await checkOutputDir(out, Boolean(a.overwrite));
    const dir = projectDir(a);
    const sourceName = str(a, 'target');
    return async () => {
      const target = await parseSourceTarget(dir, sourceName);
      let ds = await loadTarget(target, ctx);
      if (expr !== undefined) ds = ds.filter(expr, { mode });
      const files = await exportWithProgress(ds, out, format, options, ctx, threads);
      ctx.print(`exported ${ds.size} items as ${format} to ${out} (${files} files)`);
      warnNoMedia(format, options, ctx);
    };
  },
};

async function projectInfo(dir: string, ctx: Context, asJson: boolean): Promise<void> {
  const config = await readProject(dir);
  const sources = config.sources.map((s) => ({ ...s, resolved: nodePath.resolve(dir, s.path) }));
  if (asJson) {
    ctx.printJson({ project: nodePath.resolve(dir), sources });
    return;
  }
  const lines = [`project ${nodePath.resolve(dir)}`, `sources: ${sources.length}`];
  for (const s of sources) lines.push(`  ${s.name}: ${s.format || '?'} at ${s.path}`);
  ctx.print(lines.join('\n'));
}

const info: CliCommand = {
  command: 'info',
  describe: "List the project's sources (name, format, path)",
  options: { ...project, ...json },
  prepare(a, ctx) {
    noPassThrough(a, 'project info');
    return () => projectInfo(projectDir(a), ctx, Boolean(a.json));
  },
};

export const projectCommand: CliCommand = {
  command: 'project',
  describe: 'Work with a project: a folder listing sources (create, import, add, remove, export, info)',
  subcommands: [create, addSource('import', 'Add a dataset to the project as a source'), addSource('add', 'Add a dataset to the project as a source named after its folder'), remove, exportCommand, info],
};
