#!/usr/bin/env node
/**
 * npm run fuzz [-- --seed N] [--cases N] [--workers N] [--timeout MS] [--case I] [--save DIR]
 *
 * Mutates the committed fixtures (scripts/fuzz-lib.mjs) and runs the built package (dist/) on
 * each case in worker threads. Each worker publishes the case it is on in shared memory; a case
 * running longer than --timeout, a worker that dies (native stack overflow, out of memory) or any
 * exception that is not a CifarkitError is a finding, printed with a one-line repro:
 *
 *   node scripts/fuzz.mjs --seed 1234 --case 5678 --save /tmp/case
 *
 * --case runs that one case in this process and (with --save) writes its files. Exit code 1 when
 * there are findings. Defaults: a random seed (printed), 100,000 cases, one worker per core, 20 s.
 * --selftest-hang I / --selftest-exit I make case I spin forever / kill its worker, to show that
 * the watchdog reports them and the run goes on (test/fuzz/fuzz.test.ts does).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadCorpus, makeCase, runCase } from './fuzz-lib.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distUrl = pathToFileURL(join(repo, 'dist/index.js')).href;
const distPickleUrl = pathToFileURL(join(repo, 'dist/pickle.js')).href;

/** The package's API and its cifarkit/pickle subpath, as the cases use them. */
const loadApi = async () => ({ ...(await import(distUrl)), ...(await import(distPickleUrl)) });

const USAGE = `npm run fuzz [-- options]: mutates the committed fixtures and runs every reader of dist/ on each case.

  --seed N          the run's seed (default: random, printed); a seed and a case index reproduce a case
  --cases N         how many cases (default 100,000)
  --workers N       worker threads (default: one per core)
  --timeout MS      a case running longer is a finding (default 20,000)
  --case I          run case I of --seed alone, in this process
  --save DIR        with --case: write the case's files to DIR

Exit code 0: no findings; 1: findings (each printed with its repro line); 2: bad usage.`;

function parseArgs(argv) {
  const o = { seed: null, cases: 100_000, workers: Math.max(1, availableParallelism()), timeout: 20_000, case: null, save: null, 'selftest-hang': -1, 'selftest-exit': -1 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const k = argv[i].replace(/^--/, '');
    if (!(k in o)) {
      console.error(`fuzz: unknown option ${argv[i]}\n\n${USAGE}`);
      process.exit(2);
    }
    const v = argv[++i];
    o[k] = k === 'save' ? v : Number(v);
    if (k !== 'save' && !Number.isInteger(o[k])) throw new Error(`--${k} takes an integer`);
  }
  if (o.seed === null) o.seed = Math.floor(Math.random() * 2 ** 31);
  return o;
}

if (!isMainThread) {
  // Worker: run cases [from, to) that the parent hands out, publishing the current one.
  const api = await loadApi();
  const corpus = await loadCorpus(api, repo);
  const current = new Int32Array(workerData.shared);
  const tally = new Map();
  const slowest = { ms: -1 };
  parentPort.on('message', async (msg) => {
    if (msg.type !== 'range') return;
    const findings = [];
    for (let i = msg.from; i < msg.to; i++) {
      Atomics.store(current, 0, i);
      const started = Date.now();
      Atomics.store(current, 1, started - workerData.t0);
      if (i === workerData.selftestHang) for (;;);
      if (i === workerData.selftestExit) process.exit(3);
      const c = makeCase(corpus, workerData.seed, i);
      const r = await runCase(api, c);
      const ms = Date.now() - started;
      if (ms > slowest.ms) Object.assign(slowest, { ms, index: i, target: c.target, entry: c.entry, how: c.how });
      const key = `${c.target}:${r.outcome}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      if (r.finding) findings.push({ index: i, target: c.target, entry: c.entry, how: c.how, finding: r.finding, stack: r.error?.stack?.split('\n').slice(0, 8).join('\n') });
    }
    Atomics.store(current, 0, -1);
    parentPort.postMessage({ type: 'done', from: msg.from, to: msg.to, findings, tally: [...tally], slowest });
    tally.clear();
  });
  parentPort.postMessage({ type: 'ready' });
} else {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.case !== null) await runOne(opts);
  else await runAll(opts);
}

async function runOne(opts) {
  const api = await loadApi();
  const corpus = await loadCorpus(api, repo);
  const c = makeCase(corpus, opts.seed, opts.case);
  console.log(`seed ${opts.seed} case ${opts.case}: target ${c.target}, ${c.entry}, file ${c.path}, mutation ${c.how}`);
  if (opts.save) {
    for (const [p, b] of Object.entries(c.files)) {
      const safe = p.replace(/\0/g, '%00').replace(/\.\.|^\/|\\|:/g, '_');
      mkdirSync(dirname(join(opts.save, safe)), { recursive: true });
      writeFileSync(join(opts.save, safe), b);
    }
    console.log(`files written to ${opts.save}`);
  }
  const t = performance.now();
  const r = await runCase(api, c);
  console.log(`outcome ${r.outcome} in ${(performance.now() - t).toFixed(1)} ms${r.finding ? `\nFINDING ${r.finding}\n${r.error?.stack ?? ''}` : ''}`);
  process.exitCode = r.finding ? 1 : 0;
}

async function runAll(opts) {
  const { seed, cases, timeout } = opts;
  const chunk = 25; // small, so a killed worker takes few tallies with it
  console.log(`fuzz: seed ${seed}, ${cases} cases, ${opts.workers} workers, timeout ${timeout} ms per case`);
  const t0 = Date.now();
  const started = performance.now();
  const tally = new Map();
  const slowest = { ms: -1 };
  const findings = [];
  let next = 0;
  let done = 0;
  let lastReport = 0;

  const repro = (i) => `node scripts/fuzz.mjs --seed ${seed} --case ${i} --save /tmp/cifarkit-fuzz-${seed}-${i}`;
  const record = (f) => {
    findings.push(f);
    console.log(`FINDING case ${f.index} [${f.target} ${f.entry} ${f.how}] ${f.finding}\n  repro: ${repro(f.index)}`);
  };

  await new Promise((resolveAll) => {
    let live = 0;
    const spawn = (pending) => {
      const shared = new SharedArrayBuffer(8);
      const current = new Int32Array(shared);
      Atomics.store(current, 0, -1);
      const w = new Worker(fileURLToPath(import.meta.url), {
        workerData: { seed, shared, t0, selftestHang: opts['selftest-hang'], selftestExit: opts['selftest-exit'] },
        resourceLimits: { maxOldGenerationSizeMb: 1024, stackSizeMb: 4 },
      });
      live++;
      let range = pending ?? null;
      let dead = false;
      const give = () => {
        if (!range) {
          if (next >= cases) {
            dead = true;
            clearInterval(watch);
            w.terminate();
            return;
          }
          range = { from: next, to: Math.min(cases, next + chunk) };
          next = range.to;
        }
        w.postMessage({ type: 'range', ...range });
      };
      const fail = (why) => {
        if (dead) return;
        dead = true;
        clearInterval(watch);
        const i = Atomics.load(current, 0);
        const at = i >= 0 ? i : range?.from ?? -1;
        record({ index: at, target: '?', entry: '?', how: '?', finding: why });
        done += at - (range?.from ?? at) + 1;
        const rest = range && at + 1 < range.to ? { from: at + 1, to: range.to } : null;
        w.terminate();
        spawn(rest);
      };
      const watch = setInterval(() => {
        const i = Atomics.load(current, 0);
        const since = Date.now() - t0 - Atomics.load(current, 1);
        if (i >= 0 && since > timeout) fail(`hang: case still running after ${timeout} ms`);
      }, 250);
      w.on('message', (msg) => {
        if (msg.type === 'ready') return give();
        if (msg.type !== 'done') return;
        for (const [k, n] of msg.tally) tally.set(k, (tally.get(k) ?? 0) + n);
        if (msg.slowest.ms > slowest.ms) Object.assign(slowest, msg.slowest);
        for (const f of msg.findings) record(f);
        done += msg.to - msg.from;
        range = null;
        const now = performance.now();
        if (now - lastReport > 10_000) {
          lastReport = now;
          console.log(`  ${done}/${cases} cases, ${findings.length} findings, ${((now - started) / 1000).toFixed(0)} s`);
        }
        give();
      });
      w.on('error', (err) => fail(`worker died: ${err?.code ?? ''} ${err?.message ?? err}`));
      w.on('exit', (code) => {
        live--;
        if (!dead && code !== 0) fail(`worker exited with code ${code} (native crash or stack overflow)`);
        else if (!dead) dead = true;
        clearInterval(watch);
        if (live === 0 && next >= cases) resolveAll();
      });
    };
    for (let k = 0; k < opts.workers; k++) spawn(null);
  });

  const secs = (performance.now() - started) / 1000;
  const byTarget = new Map();
  for (const [k, n] of [...tally].sort()) {
    const [t, o] = k.split(':');
    if (!byTarget.has(t)) byTarget.set(t, []);
    byTarget.get(t).push(`${o} ${n}`);
  }
  console.log(`\nfuzz: seed ${seed}: ${done} cases in ${secs.toFixed(1)} s (${(done / secs).toFixed(0)}/s), ${findings.length} findings`);
  for (const [t, list] of byTarget) console.log(`  ${t.padEnd(26)} ${list.join(', ')}`);
  if (slowest.ms >= 0) console.log(`slowest case: ${slowest.index} (${slowest.ms} ms) [${slowest.target} ${slowest.entry} ${slowest.how}]`);
  if (findings.length > 0) {
    const kinds = new Map();
    for (const f of findings) kinds.set(f.finding, [...(kinds.get(f.finding) ?? []), f.index]);
    console.log(`\n${kinds.size} distinct findings:`);
    for (const [k, idx] of kinds) console.log(`  ${idx.length}x ${k}\n    e.g. ${repro(idx[0])}`);
    process.exitCode = 1;
  }
}
