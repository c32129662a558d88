// Tests of `iommu-check report` and of --format on the run commands, as a user runs them: every format
// re-rendered from a saved run and from one counterexample file, the files named after the input, bad input
// and unknown formats as one line with exit 2, and GitHub annotations under GITHUB_ACTIONS=true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
function cli(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/iommu-check.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, GITHUB_ACTIONS: '', ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-report-'));

test('explore --format writes every format beside the report; `report` re-renders the saved run and a counterexample', () => {
  const out = tmp();
  const r = cli(['explore', 'unmap-racing-dma-with-sync', '-v', 'sync-no-wait', '-o', out, '-q', '--format', 'html', '--format', 'junit,sarif,itf']);
  assert.equal(r.code, 1, r.err);
  for (const f of ['explore.html', 'explore.junit.xml', 'explore.sarif', 'itf/unmap-racing-dma-with-sync--sync-no-wait.min.itf.json']) assert.ok(existsSync(join(out, f)), f);
  const again = tmp();
  const rr = cli(['report', join(out, 'explore.json'), '--format', 'html,md,json,junit,sarif,itf', '-o', again]);
  assert.equal(rr.code, 0, rr.err);
  assert.deepEqual(readdirSync(again).sort(), ['explore.html', 'explore.junit.xml', 'explore.md', 'explore.report.json', 'explore.sarif', 'itf']);
  // the replay path in the re-rendered report works from the report's folder
  const html = readFileSync(join(again, 'explore.html'), 'utf8');
  const replay = /<code class="replay">npx iommu-check replay ([^<]+)<\/code>/.exec(html)![1];
  assert.ok(existsSync(join(again, replay)), replay);
  const md = readFileSync(join(again, 'explore.md'), 'utf8');
  assert.match(md, new RegExp(`replay ${replay.replace(/[.+]/g, '\\$&')}`));
  // a single counterexample file, default format html, into its own folder
  const cxFile = join(out, 'counterexamples', 'unmap-racing-dma-with-sync--sync-no-wait.min.json');
  const rc = cli(['report', cxFile]);
  assert.equal(rc.code, 0, rc.err);
  const one = readFileSync(join(out, 'counterexamples', 'unmap-racing-dma-with-sync--sync-no-wait.html'), 'utf8');
  assert.match(one, /npx iommu-check replay unmap-racing-dma-with-sync--sync-no-wait\.min\.json/);
});

test('report: a missing file, a file that is no result, and an unknown format are one line, exit 2', () => {
  const dir = tmp();
  const notResult = join(dir, 'x.json');
  writeFileSync(notResult, '{"hello": 1}');
  const garbage = join(dir, 'y.json');
  writeFileSync(garbage, 'not json');
  for (const args of [['report', join(dir, 'missing.json')], ['report', notResult], ['report', garbage], ['report', notResult, '--format', 'pdf'], ['explore', '--format', 'pdf']]) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.doesNotMatch(r.err, /at .*\.js:\d+/);
  }
  assert.match(cli(['report', notResult, '--format', 'pdf']).err, /unknown format 'pdf'/);
});

test('under GITHUB_ACTIONS=true a run prints one ::error annotation per violation, at the model source of the operation', () => {
  const out = tmp();
  const r = cli(['verify', 'unmap-racing-dma-with-sync', '-o', out], { GITHUB_ACTIONS: 'true' });
  assert.equal(r.code, 0, r.err);
  const ann = r.out.split('\n').filter((l) => l.startsWith('::error '));
  const report = JSON.parse(readFileSync(join(out, 'verify.json'), 'utf8'));
  const violations = report.jobs.filter((j: { violation?: unknown }) => j.violation).length;
  assert.ok(violations >= 2);
  assert.equal(ann.length, violations);
  for (const a of ann) assert.match(a, /^::error file=src\/model\/[\w/]+\.ts,line=\d+,title=iommu-check%3A [\w-]+::unmap-racing-dma-with-sync \[/);
  assert.equal(cli(['verify', 'unmap-racing-dma-with-sync', '-o', tmp()]).out.split('\n').filter((l) => l.startsWith('::error')).length, 0, 'none without GITHUB_ACTIONS');
});

test('report of a merged sharded verify (as the nightly workflow runs it): every shard\'s counterexample shown, replayable', () => {
  const dir = tmp();
  for (const i of [1, 2]) assert.equal(cli(['verify', 'unmap-racing-dma-with-sync', 'two-instances-share-domain', '--shard', `${i}/2`, '-o', join(dir, `s${i}`), '-q']).code, 0);
  assert.equal(cli(['merge', join(dir, 's1', 'verify.json'), join(dir, 's2', 'verify.json'), '-o', join(dir, 'm')]).code, 0);
  const r = cli(['report', join(dir, 'm', 'merge.json'), '--format', 'html', '-o', join(dir, 'm')]);
  assert.equal(r.code, 0, r.err);
  const html = readFileSync(join(dir, 'm', 'merge.html'), 'utf8');
  const merged = JSON.parse(readFileSync(join(dir, 'm', 'merge.json'), 'utf8'));
  const replays = [...html.matchAll(/<code class="replay">npx iommu-check replay ([^<]+)<\/code>/g)].map((m) => m[1]);
  assert.equal(replays.length, merged.jobs.filter((j: { violation?: unknown }) => j.violation).length);
  assert.ok(replays.some((p) => p.startsWith('../s1/')) && replays.some((p) => p.startsWith('../s2/')), replays.join(' '));
  for (const p of replays) assert.ok(existsSync(join(dir, 'm', p)), p);
});
