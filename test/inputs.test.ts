// Inputs that would do nothing say so (issue 11): each is a one-line usage error (exit 2) before any job runs,
// or, where the run still means something, a warning on stderr and in the report's `warnings`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { program } from '../src/cli/main';
import { parseDuration } from '../src/cli/parse';
import { allScenarios, findScenario } from '../src/model/scenarios';
import { unusedVariants } from '../src/model/variant-use';

const root = join(__dirname, '..');
function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/iommu-check.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-inputs-'));
const oneLine = (r: { err: string }) => assert.equal(r.err.trim().split('\n').length, 1, r.err);

const scenario = {
  name: 'mine', description: 'x', instances: [0], devices: [{ instance: 0, group: 0 }], domains: [{ owner: 0 }],
  pages: 1, phys: 1, threads: [{ name: 'a', ops: [['domain_free', 0]] }, { name: 'b', ops: [['domain_free', 0]] }],
};

test('fuzz -v: a variant no template uses is an error; one some templates do not use a warning (stderr, fuzz.json, fuzz.md)', () => {
  const alone = cli('fuzz', 'unmap-racing-dma-with-sync', '-v', 'hyp-lockless-plain-install', '--runs', '20', '--seed', '1', '-o', tmp());
  assert.equal(alone.code, 2, alone.out);
  oneLine(alone);
  assert.match(alone.err, /--variant hyp-lockless-plain-install: no operation of scenario unmap-racing-dma-with-sync uses 'hyp_lock'/);
  const out = tmp();
  const mixed = cli('fuzz', 'unmap-racing-dma-with-sync', 'hyp-host-races-one-iova', '-v', 'hyp-lockless-plain-install', '--runs', '20', '--seed', '1', '-o', out);
  assert.ok(mixed.code === 0 || mixed.code === 1, mixed.err);
  const warning = /variant hyp-lockless-plain-install changes nothing in unmap-racing-dma-with-sync/;
  assert.match(mixed.err, warning);
  assert.match(JSON.parse(readFileSync(join(out, 'fuzz.json'), 'utf8')).warnings[0], warning);
  assert.match(readFileSync(join(out, 'fuzz.md'), 'utf8'), /## Warnings\n\n- variant hyp-lockless-plain-install changes nothing/);
});

test('a variant no operation of the scenario uses: an error alone, a warning (stderr and report) beside a scenario that uses it', () => {
  const alone = cli('explore', 'unmap-racing-dma-with-sync', '-v', 'hyp-lockless-plain-install', '-o', tmp(), '-q');
  assert.equal(alone.code, 2, alone.out);
  oneLine(alone);
  assert.match(alone.err, /--variant hyp-lockless-plain-install: no operation of scenario unmap-racing-dma-with-sync uses 'hyp_lock'/);
  const out = tmp();
  const mixed = cli('explore', 'unmap-racing-dma-with-sync', 'hyp-host-races-one-iova', '-v', 'hyp-lockless-plain-install', '-o', out, '-q');
  assert.equal(mixed.code, 1, mixed.err);
  const warning = /variant hyp-lockless-plain-install changes nothing in unmap-racing-dma-with-sync/;
  assert.match(mixed.err, warning);
  const report = JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8'));
  assert.equal(report.warnings.length, 1);
  assert.match(report.warnings[0], warning);
  assert.match(readFileSync(join(out, 'explore.md'), 'utf8'), /## Warnings\n\n- variant hyp-lockless-plain-install changes nothing/);
  const used = cli('explore', 'hyp-host-races-one-iova', '-v', 'hyp-lockless-plain-install', '-o', tmp(), '-q');
  assert.equal(used.code, 1);
  assert.doesNotMatch(used.err, /warning/);
});

test("a scenario file's bad catches, alternatives and thread names are refused before any job runs", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ catches: [{ variant: 'nope', invariant: 'isolation' }] }, /scenario mine\.catches\[0\]: unknown variant 'nope'/],
    [{ alternatives: [['nope']] }, /scenario mine\.alternatives\[0\]: unknown variant 'nope'/],
    [{ alternatives: [['free-ignores-attach-count']] }, /'free-ignores-attach-count' is a faulty variant, not a correct alternative/],
    [{ threads: [{ name: 'a', ops: [] }, { name: 'a', ops: [] }] }, /scenario mine\.threads: two threads are named 'a'/],
  ];
  for (const [extra, want] of cases) {
    const dir = tmp(), file = join(dir, 'mine.json'), out = join(dir, 'out');
    writeFileSync(file, JSON.stringify({ ...scenario, ...extra }));
    // the built-in scenario comes first: with the old late check it ran (and wrote nothing) before the error
    const r = cli('verify', 'two-frees-one-domain', '-f', file, '-o', out);
    assert.equal(r.code, 2, `${want}: ${r.out}`);
    oneLine(r);
    assert.match(r.err, want);
    assert.ok(r.err.includes(file), r.err);
    assert.equal(existsSync(out), false, 'no job ran');
  }
});

test('--workers above the maximum is an error naming it; the report says how many workers were used', () => {
  const r = cli('explore', 'unmap-racing-dma-with-sync', '--no-reduction', '--workers', '100000', '-o', tmp());
  assert.equal(r.code, 2);
  oneLine(r);
  assert.match(r.err, /at most 64/);
  const out = tmp();
  const ok = cli('explore', 'unmap-racing-dma-with-sync', '--no-reduction', '--workers', '2', '-o', out);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.err, /workers: 1 used of the 2 asked for/);
  assert.equal(JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8')).options.workersUsed, 1);
});

test('fuzz --max-threads and --max-ops beyond what a scenario allows: an error naming the maximum', () => {
  const threads = cli('fuzz', '--max-threads', '100', '-n', '1', '-o', tmp());
  assert.equal(threads.code, 2);
  oneLine(threads);
  assert.match(threads.err, /'--max-threads <n>' argument '100' is invalid\. at most 8/);
  const ops = cli('fuzz', '--max-ops', '1000', '-n', '1', '-o', tmp());
  assert.equal(ops.code, 2);
  assert.match(ops.err, /'--max-ops <n>' argument '1000' is invalid\. at most 32/);
});

test('replay of a counterexample with steps after the violation warns how many were not replayed', () => {
  const out = tmp();
  assert.equal(cli('explore', 'flush-queue-iova-reuse', '-v', 'fq-reuse-before-flush', '-o', out, '-q', '--no-minimize').code, 1);
  const name = readdirSync(join(out, 'counterexamples')).find((f) => !f.endsWith('.min.json'))!;
  const cx = JSON.parse(readFileSync(join(out, 'counterexamples', name), 'utf8'));
  const exact = cli('replay', '-q', join(out, 'counterexamples', name));
  assert.equal(exact.code, 1);
  assert.doesNotMatch(exact.err, /warning/);
  const n = cx.schedule.length;
  cx.schedule.push(...Array.from({ length: 7 }, () => [0, 0]));
  const file = join(out, 'trailing.json');
  writeFileSync(file, JSON.stringify(cx));
  const r = cli('replay', '-q', file);
  assert.equal(r.code, 1, 'still reproduced');
  assert.match(r.err, new RegExp(`warning: .*trailing\\.json: the violation came at step ${n} of ${n + 7}; the 7 step\\(s\\) after it were not replayed`));
});

test('-f given a counterexample, and replay given a scenario: a one-line error saying which command reads it', () => {
  const out = tmp();
  cli('explore', 'flush-queue-iova-reuse', '-v', 'fq-reuse-before-flush', '-o', out, '-q');
  const cx = join(out, 'counterexamples', readdirSync(join(out, 'counterexamples'))[0]);
  const f = cli('explore', '-f', cx, '-o', tmp());
  assert.equal(f.code, 2);
  oneLine(f);
  assert.match(f.err, /this is a counterexample, not a scenario: use `iommu-check replay /);
  const sc = join(out, 'mine.json');
  writeFileSync(sc, JSON.stringify(scenario));
  const r = cli('replay', sc);
  assert.equal(r.code, 2);
  oneLine(r);
  assert.match(r.err, /this is a scenario, not a counterexample: use `iommu-check explore -f /);
});

test('the stress scenarios are listed and explored by name (not in the default run)', () => {
  const list = cli('list', 'scenarios');
  assert.match(list.out, /stress-shared-domain .*\(stress: run it by name/);
  const r = cli('explore', 'stress-shared-domain', '--max-states', '50', '-o', tmp(), '-q');
  assert.equal(r.code, 4, r.err);
  assert.match(r.out, /stress-shared-domain\s+default\s+clean up to bound/);
});

test("every command's time-like option parses with the one duration syntax (parseDuration)", () => {
  const root = program(['node', 'iommu-check']);
  const timeLike = root.commands.flatMap((c: Command) => c.options.filter((o) => /time|budget|duration|timeout/i.test(`${o.long} ${o.flags}`)).map((o) => ({ c: c.name(), o })));
  assert.ok(timeLike.some(({ c }) => c === 'explore') && timeLike.some(({ c }) => c === 'fuzz') && timeLike.some(({ c }) => c === 'verify'));
  for (const { c, o } of timeLike) assert.equal((o as unknown as { parseArg?: unknown }).parseArg, parseDuration, `${c} ${o.long}`);
});

test('no built-in scenario is told that a variant it catches or lists as an alternative changes nothing', () => {
  for (const sc of allScenarios())
    for (const v of [...(sc.alternatives ?? []).flat(), ...(sc.catches ?? []).map((c) => c.variant)])
      assert.deepEqual(unusedVariants(sc, [v]), [], `${sc.name} with ${v}`);
  // and the check sees a slot a scenario never consults, built-ins being no exception
  assert.deepEqual(unusedVariants(findScenario('unmap-racing-dma-with-sync'), ['sva-put-under-lock']).map((u) => u.slot), ['sva_put_user']);
});

test('merge carries the shards\' warnings into the merged report, once each', () => {
  const dir = tmp();
  const files = [1, 2].map((i) => {
    const out = join(dir, `s${i}`);
    const r = cli('explore', 'unmap-racing-dma-with-sync', 'hyp-host-races-one-iova', '-v', 'hyp-lockless-plain-install', '--shard', `${i}/2`, '-o', out, '-q');
    assert.ok(r.code === 0 || r.code === 1, r.err);
    return join(out, 'explore.json');
  });
  const m = cli('merge', ...files, '-o', join(dir, 'm'));
  assert.ok(m.code === 0 || m.code === 1, m.err);
  const merged = JSON.parse(readFileSync(join(dir, 'm', 'merge.json'), 'utf8'));
  assert.equal(merged.warnings.length, 1);
  assert.match(merged.warnings[0], /variant hyp-lockless-plain-install changes nothing in unmap-racing-dma-with-sync/);
  assert.match(m.err, /^warning: variant hyp-lockless-plain-install/m);
});
