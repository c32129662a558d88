// Tests the nightly run's corpus hygiene and stopping: new cases go to <out>/new-cases/ and corpus/ is left
// alone; --update-corpus adds them, at most --corpus-cap per (variants, invariant), and a second run with the
// same seed adds nothing (deduplicated by variants, invariant and minimized trace); SIGTERM stops a run in
// seconds with nightly.json written and marked interrupted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const script = join(root, 'dist', 'scripts', 'nightly.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-nightly-'));
const nightly = (...args: string[]) => spawnSync(process.execPath, [script, '--fuzz-runs', '400', '--max-states', '3000', '--seed', '7', ...args], { encoding: 'utf8' });
const group = (file: string) => {
  const cx = JSON.parse(readFileSync(file, 'utf8')) as { variants: string[]; violation?: { invariant: string } };
  return `${[...cx.variants].sort().join('+')}|${cx.violation?.invariant}`;
};

test('nightly: new cases go to the output folder; --update-corpus adds them capped per (variants, invariant), once', () => {
  const dir = tmp(), corpus = join(dir, 'corpus');
  mkdirSync(corpus);
  const first = nightly('--corpus', corpus, '-o', join(dir, 'a'), '--format', 'html,junit');
  assert.ok(first.status === 0 || first.status === 1, first.stderr);
  assert.ok(existsSync(join(dir, 'a', 'explore.html')) && existsSync(join(dir, 'a', 'explore.junit.xml')), '--format writes the explorer report in those formats');
  // `report nightly.json`: the explorer's jobs and the fuzz campaigns' findings, each with its trace
  const rep = spawnSync(process.execPath, [join(root, 'bin', 'iommu-check.js'), 'report', join(dir, 'a', 'nightly.json'), '--format', 'html'], { encoding: 'utf8' });
  assert.equal(rep.status, 0, rep.stderr);
  const html = readFileSync(join(dir, 'a', 'nightly.html'), 'utf8');
  assert.match(html, /<h1>iommu-check nightly report<\/h1>/);
  assert.match(html, /\(fuzz campaign fuzz-[\w-]+\) \[[\w+-]+\]: [\w-]+<\/h2>/);
  const cases = readdirSync(join(dir, 'a', 'new-cases'));
  assert.ok(cases.length >= 3, `new cases found (${cases.length})`);
  assert.deepEqual(readdirSync(corpus), [], 'the corpus is untouched without --update-corpus');
  // the summary names the invariants no correct-variant campaign exercised (none is an empty list, said in words)
  const summary = JSON.parse(readFileSync(join(dir, 'a', 'nightly.json'), 'utf8')) as { fuzzNeverExercised: string[] };
  assert.ok(Array.isArray(summary.fuzzNeverExercised));
  const md = readFileSync(join(dir, 'a', 'nightly.md'), 'utf8');
  if (summary.fuzzNeverExercised.length) assert.match(md, new RegExp(`never exercised \\(no interesting state reached\\): ${summary.fuzzNeverExercised.join(', ')}`));
  else assert.match(md, /reached interesting states of every invariant with a premise/);
  const upd = nightly('--corpus', corpus, '-o', join(dir, 'b'), '--update-corpus', '--corpus-cap', '1');
  assert.ok(upd.status === 0 || upd.status === 1, upd.stderr);
  const added = readdirSync(corpus);
  const groups = added.map((f) => group(join(corpus, f)));
  assert.ok(added.length >= 3);
  assert.equal(new Set(groups).size, groups.length, 'at most one case per (variants, invariant) with --corpus-cap 1');
  const again = nightly('--corpus', corpus, '-o', join(dir, 'c'), '--update-corpus', '--corpus-cap', '1');
  assert.ok(again.status === 0 || again.status === 1, again.stderr);
  assert.deepEqual(readdirSync(corpus), added, 'the same seed adds nothing the second time');
  assert.ok(!existsSync(join(dir, 'c', 'new-cases')) || readdirSync(join(dir, 'c', 'new-cases')).length === 0, 'and finds no new case');
});

test('nightly: SIGTERM stops the run within seconds, with nightly.json written and marked interrupted', async () => {
  const out = join(tmp(), 'out');
  const child = spawn(process.execPath, [script, '--fuzz-time', '10m', '--no-corpus', '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const fuzzing = new Promise<void>((resolve) => child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
    if (/nightly: fuzz /.test(err)) resolve();
  }));
  const code = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  await fuzzing;
  const t = performance.now();
  child.kill('SIGTERM');
  const c = await code;
  assert.ok(performance.now() - t < 10_000, 'stopped in seconds');
  assert.equal(c, 4, `exit 4: stopped by the signal, nothing wrong found so far: ${err}`);
  const summary = JSON.parse(readFileSync(join(out, 'nightly.json'), 'utf8')) as { interrupted?: string; fuzz: unknown[] };
  assert.equal(summary.interrupted, 'SIGTERM');
  assert.ok(summary.fuzz.length >= 1, 'the campaigns done are kept');
});
