/**
 * The package as a user gets it: `npm pack` of the built tree, checked by publint and
 * arethetypeswrong, then installed from the tarball into an empty project with no network
 * (the package has no runtime dependencies) and used through its bin and its exports.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, requireBuiltCli, tempDir } from '../cli/binary.js';

requireBuiltCli();

const BIN_DIR = join(ROOT, 'node_modules/.bin');
let tarball = '';
let files: string[] = [];

beforeAll(() => {
  const dest = tempDir('cifarkit-pack-');
  // --ignore-scripts: dist/ is already built by `npm test`; packing must not rebuild it.
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], { cwd: ROOT, encoding: 'utf8' });
  const info = JSON.parse(out)[0] as { filename: string; files: { path: string }[] };
  tarball = join(dest, info.filename);
  files = info.files.map((f) => f.path).sort();
}, 120_000);

describe('npm pack', () => {
  it('ships dist/, the bin, README and LICENSE, and nothing else', () => {
    const tops = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(tops).toEqual(['LICENSE', 'README.md', 'bin', 'dist', 'package.json']);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/browser.js');
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('dist/encode-worker.js');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('dist/ holds no test-only hook: no CIFARKIT_TEST variable, the library reads no environment', () => {
    for (const f of files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      expect(text, f).not.toContain('CIFARKIT_TEST');
      // Only the Node CLI (its bundled yargs reads the locale) may look at the environment.
      if (f !== 'dist/cli.js') expect(/process\.env|Deno\.env/.test(text), f).toBe(false);
    }
  });

  it('publint --strict finds nothing', () => {
    const r = spawnSync(join(BIN_DIR, 'publint'), ['run', tarball, '--strict'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('All good!');
  });

  it('arethetypeswrong finds no problem for an ESM-only package', () => {
    const r = spawnSync(join(BIN_DIR, 'attw'), [tarball, '--profile', 'esm-only', '--format', 'json'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { analysis: { problems: unknown[] } };
    // Problems listed are those of the ignored CommonJS resolutions; none may be left for ESM.
    const failed = (report.analysis.problems as { resolutionKind?: string }[]).filter((p) => !['node10', 'node16-cjs'].includes(p.resolutionKind ?? ''));
    expect(failed).toEqual([]);
  });

  it('installs from the tarball offline, with no dependencies, and works', () => {
    const project = tempDir('cifarkit-user-');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user', version: '1.0.0', type: 'module', private: true }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: project, encoding: 'utf8' });
    expect(readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['cifarkit']);
    const sample = join(ROOT, 'test/fixtures/generated/py2-cifar10');
    const info = spawnSync(join(project, 'node_modules/.bin/cifarkit'), ['info', sample], { cwd: project, encoding: 'utf8' });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toContain('9 items, 10 labels');
    mkdirSync(join(project, 'src'));
    writeFileSync(
      join(project, 'src/use.mjs'),
      `import { Dataset } from 'cifarkit';\nconst ds = await Dataset.importFrom(${JSON.stringify(sample)});\nconsole.log(ds.size, ds.subsets().join());\n`,
    );
    const use = spawnSync(process.execPath, [join(project, 'src/use.mjs')], { cwd: project, encoding: 'utf8' });
    expect(use.status, use.stderr).toBe(0);
    expect(use.stdout.trim()).toBe('9 data_batch_1,data_batch_2,test_batch');
    // The subpaths: cifarkit/node is the Node entry itself; cifarkit/pickle the codec, sharing the entries' classes.
    writeFileSync(
      join(project, 'src/subpaths.mjs'),
      [
        `import * as main from 'cifarkit';`,
        `import * as node from 'cifarkit/node';`,
        `import * as browser from 'cifarkit/browser';`,
        `import { readPickle, writePickle, NdArray } from 'cifarkit/pickle';`,
        `const batch = readPickle(writePickle(new Map([['labels', [3, 1]]])));`,
        // One class across the entries; loading the browser entry too leaves Node's platform in place (node:zlib, paths).
        `console.log(node.Dataset === main.Dataset, browser.Dataset === main.Dataset, main.getInflater(), JSON.stringify([...batch.get('labels')]), typeof NdArray, 'readPickle' in main);`,
      ].join('\n'),
    );
    const subpaths = spawnSync(process.execPath, [join(project, 'src/subpaths.mjs')], { cwd: project, encoding: 'utf8' });
    expect(subpaths.status, subpaths.stderr).toBe(0);
    expect(subpaths.stdout.trim()).toBe('true true node-zlib [3,1] function false');
  }, 120_000);
});
