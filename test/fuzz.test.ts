// Tests of the fuzzer: determinism, finding + shrinking + replaying a faulty variant, no false alarm on the
// correct variants, the schedulers and caller contracts, corpus dedup, and the `fuzz` command's exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCampaign } from '../fuzz/campaign';
import { drawWeights, scenariosFor, templatesOf } from '../fuzz/templates';
import { scenarioArb } from '../fuzz/arbitraries';
import { schedulerFor } from '../fuzz/schedulers';
import { execute } from '../fuzz/execute';
import { applyContracts } from '../fuzz/contracts';
import { addToCorpus, caseKey } from '../fuzz/corpus';
import { allScenarios, findScenario } from '../src/model/scenarios';
import { buildModel, type Model } from '../src/model/model';
import { replayCounterexample } from '../src/explorer/replay';
import { replaySchedule } from '../src/explorer/trace';
import { runJob } from '../src/explorer/job';
import { allOps } from '../src/model/ops';
import { tiny } from './helpers';
import { validateScenario, type ScenarioSpec } from '../src/model/scenario';
import { defineOp } from '../src/model/ops';

const root = join(__dirname, '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-fuzz-'));

test('the same seed and options give the same result', async () => {
  const opts = { scenarios: allScenarios(), variants: ['detach-double-put'], seed: 42, runs: 400 };
  const a = await runCampaign(opts), b = await runCampaign(opts);
  assert.equal(a.stoppedBy, 'violation');
  assert.equal(a.runs, b.runs);
  assert.deepEqual(a.finding?.counterexample, b.finding?.counterexample);
  const c = await runCampaign({ scenarios: allScenarios(), seed: 7, runs: 150 });
  const d = await runCampaign({ scenarios: allScenarios(), seed: 7, runs: 150 });
  assert.deepEqual({ ...c, ms: 0, runsPerSec: 0, coverage: { ...c.coverage, stepsPerSec: 0 } }, { ...d, ms: 0, runsPerSec: 0, coverage: { ...d.coverage, stepsPerSec: 0 } });
});

for (const variant of ['sync-one-instance', 'free-ignores-attach-count']) {
  test(`the faulty variant ${variant} is found, shrunk to a handful of operations, and replays`, async (t) => {
    const r = await runCampaign({ scenarios: allScenarios(), variants: [variant], seed: 1, runs: 3000 });
    const f = r.finding;
    assert.ok(f, `not found in ${r.runs} runs`);
    t.diagnostic(`found after ${f.runsToFind} runs: ${f.violation.invariant}; ${JSON.stringify(f.found)} -> ${JSON.stringify(f.minimized)}`);
    const expected = allScenarios().flatMap((s) => s.catches ?? []).find((c) => c.variant === variant)!.invariant;
    assert.equal(f.violation.invariant, expected);
    assert.ok(f.minimized.ops <= 4 && f.minimized.threads <= 2, JSON.stringify(f.minimized));
    assert.ok(f.minimized.ops + f.minimized.setup <= f.found.ops + f.found.setup);
    const cx = f.counterexample;
    assert.deepEqual(cx.variants, [variant]);
    const out = replayCounterexample(JSON.parse(JSON.stringify(cx)));
    assert.ok(out.reproduced);
    assert.equal(out.violation?.invariant, expected);
    // it carries its set-up, initial and violating states and structured diffs, as the explorer's do
    assert.ok(cx.prologue!.length > 0 && cx.trace.every((s) => Array.isArray(s.diff)));
    assert.deepEqual([cx.initial, cx.final], [out.initial, out.final]);
    // the same program is clean under the correct variants: the violation is the faulty variant's
    assert.equal(runJob({ scenario: cx.scenario, variants: [] }).verdict, 'clean');
  });
}

test('the correct variants run many random programs and schedules with no false alarm', async () => {
  const r = await runCampaign({ scenarios: allScenarios(), seed: 2024, runs: 1500 });
  assert.equal(r.stoppedBy, 'runs', r.finding ? `${r.finding.violation.invariant}: ${r.finding.violation.message}` : r.crash?.error);
  assert.equal(r.runs, 1500);
  assert.equal(r.invalid, 0);
  assert.equal(r.unattributed.length, 0);
});

test('a time budget and a stop request end the campaign with its results kept', async () => {
  const t0 = Date.now();
  const r = await runCampaign({ scenarios: allScenarios(), seed: 5, timeMs: 300 });
  assert.equal(r.stoppedBy, 'time');
  assert.ok(r.runs > 0 && Date.now() - t0 < 5000);
  let polls = 0;
  const s = await runCampaign({ scenarios: allScenarios(), seed: 5, shouldStop: () => ++polls > 3 });
  assert.equal(s.stoppedBy, 'stop');
  assert.equal(s.runs, 300); // three chunks of 100
});

test('shards draw different cases from the same seed', async () => {
  const a = await runCampaign({ scenarios: allScenarios(), variants: ['sync-no-wait'], seed: 9, runs: 500, shard: { index: 0, count: 2 } });
  const b = await runCampaign({ scenarios: allScenarios(), variants: ['sync-no-wait'], seed: 9, runs: 500, shard: { index: 1, count: 2 } });
  assert.ok(a.finding && b.finding);
  assert.notDeepEqual([a.runs, a.finding.found], [b.runs, b.finding.found]);
});

test('generated scenarios keep the template, use only compiled operations, and shrink to one short thread', () => {
  const sc = findScenario('unmap-racing-dma-with-sync');
  const [base, ...shapes] = templatesOf(sc);
  assert.ok(shapes.length >= 1, 'a shape with one more device or domain');
  const offered = base.ops.map((o) => o.def.name);
  for (const name of ['attach', 'detach', 'domain_free', 'map', 'unmap', 'unmap_sync', 'iotlb_sync', 'dma', 'dma_map', 'fq_flush'])
    assert.ok(offered.includes(name), name);
  assert.ok(offered.every((n) => allOps().some((o) => o.name === n)));
  const arb = scenarioArb(base);
  for (const g of fc.sample(arb, { seed: 3, numRuns: 50 })) {
    assert.deepEqual(g.setup, sc.setup);
    assert.ok(g.threads.length >= 1 && g.threads.length <= 4);
    buildModel(g, []); // compiles
  }
  // fast-check's own shrinking of a failing property lands on the smallest scenario: one thread, one call
  const r = fc.check(fc.property(arb, () => false), { seed: 1, numRuns: 1 });
  const min = r.counterexample![0] as ScenarioSpec;
  assert.equal(min.threads.length, 1);
  assert.equal(min.threads[0].ops.length, 1);
});

test('operations a subsystem registers later are fuzzed with their own argument ranges, with no change to the fuzzer', () => {
  // a stand-in subsystem's operations (this test file runs in its own process, so the registry stays clean elsewhere)
  defineOp({
    name: 'test_probe', subsystem: 'test', description: 'test only', params: [{ name: 'slot', kind: 'test-slot', max: (sys) => sys.scenario.devices.length + 5 }],
    build: () => [{ label: 'probe', run: (c) => void c.w.set(c.sys.ret(c.t), c.args[0]) }],
  });
  defineOp({
    name: 'test_absent', subsystem: 'test', description: 'test only: no dimension in these scenarios', params: [{ name: 'x', kind: 'test-x', max: () => -1 }],
    build: () => [{ label: 'never', run: () => undefined }],
  });
  const sc = validateScenario({ ...findScenario('unmap-racing-dma-with-sync') }); // a fresh object: a fresh template
  const [base] = templatesOf(sc);
  const probe = base.ops.find((o) => o.def.name === 'test_probe');
  assert.deepEqual(probe?.ranges, [{ min: 0, max: 6 }]);
  assert.ok(!base.ops.some((o) => o.def.name === 'test_absent'));
  const args = fc.sample(scenarioArb(base), { seed: 8, numRuns: 300 })
    .flatMap((g) => g.threads.flatMap((t) => t.ops)).filter((c) => Array.isArray(c) && c[0] === 'test_probe').map((c) => (c as number[])[1]);
  assert.ok(args.length > 0 && args.every((a) => a >= 0 && a <= 6));
  assert.ok(args.includes(6) && args.includes(0), `both ends of the range drawn: ${[...new Set(args)].sort()}`);
});

test('a campaign for a variant draws only from the scenarios it acts on', async () => {
  const all = allScenarios();
  const names = (v?: string[]) => scenariosFor(v, all).map((sc) => sc.name);
  // a subsystem with a scenario section: only the scenarios that have it
  assert.deepEqual(names(['vinv-stale-vdev-lookup']), all.filter((sc) => sc.viommu !== undefined).map((sc) => sc.name));
  assert.ok(names(['hyp-share-check-then-take']).length > 0 && names(['hyp-share-check-then-take']).every((n) => findScenario(n).hyp !== undefined));
  // the core stack, or no variant at all: every scenario
  assert.equal(names(['sync-no-wait']).length, all.length);
  assert.equal(names(undefined).length, all.length);
  assert.equal(names(['sync-no-wait', 'vinv-stale-vdev-lookup']).length, all.length, 'a core variant acts everywhere');
  const r = await runCampaign({ scenarios: all, variants: ['vinv-stale-vdev-lookup'], seed: 3, runs: 300 });
  assert.ok(r.runs > 0);
  await assert.rejects(runCampaign({ scenarios: [findScenario('unmap-racing-dma-with-sync')], variants: ['vinv-stale-vdev-lookup'], seed: 1, runs: 10 }),
    /no scenario given has the section the variants vinv-stale-vdev-lookup act on/);
});

test('a walk with no choices runs the lowest enabled actor; PCT runs by priority and switches at a change point', () => {
  const m = buildModel(tiny([{ name: 'a', ops: [['attach', 0, 0]] }, { name: 'b', ops: [['domain_free', 0]] }]), []);
  const walk = execute(m, { kind: 'walk', choices: [] });
  assert.equal(walk.violation, null);
  assert.deepEqual(walk.schedule.map(([a]) => a), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  const pct1 = execute(m, { kind: 'pct', depth: 1, priorities: [0, 9], changes: [0, 0], choices: [] });
  assert.deepEqual(pct1.schedule.map(([a]) => a), [1, 1, 1, 1, 1, 0, 0, 0, 0, 0], 'thread 1 has the higher priority');
  // depth 2: at step 1 (0-based) thread 1 (holding the domain lock) drops below thread 0, which takes the group
  // lock and then waits for the domain lock, so thread 1 runs again
  const pct2 = execute(m, { kind: 'pct', depth: 2, priorities: [0, 9], changes: [1, 0], choices: [] });
  assert.deepEqual(pct2.schedule.map(([a]) => a), [1, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  // the fuzzer's schedule is exactly what replay executes
  for (const sched of [walk, pct1, pct2]) assert.equal(replaySchedule(m, sched.schedule).executed, sched.schedule.length);
  const pick = schedulerFor({ kind: 'walk', choices: [5] }, m);
  assert.equal(pick.pick([0, 0, 1, 0], 0), 1);
});

test('a run reports a deadlock the way the explorer does (nothing enabled, a thread unfinished)', () => {
  // no built-in operation can deadlock under the correct variants, so a stand-in model whose only thread waits forever
  const stuck = {
    actors: 1, threads: 1, programs: [[]], initial: () => new Int32Array(1), check: () => null, steps: () => undefined,
    done: () => false, finished: () => false, label: () => ({ thread: 'waiter', op: 'lock(0)', step: 'take lock' }),
  } as unknown as Model;
  const r = execute(stuck, { kind: 'walk', choices: [] });
  assert.equal(r.violation?.invariant, 'no-deadlock');
  assert.match(r.violation!.message, /waiter waits at lock\(0\) 'take lock'/);
  const ok = execute(buildModel(tiny([{ name: 'a', ops: [['attach', 0, 0], ['map', 0, 0, 0], ['unmap_sync', 0, 0, 1]] }]), []), { kind: 'walk', choices: [] });
  assert.deepEqual([ok.violation, ok.truncated], [null, false]);
});

test('caller contracts drop calls that would be the caller\'s bug, never others', () => {
  const sc = tiny([
    { name: 'a', ops: [['domain_free', 0], ['attach', 0, 0]] },
    { name: 'b', ops: [['map', 0, 0, 0], ['unmap', 0, 0, 1], ['map', 0, 0, 1], ['iotlb_sync', 0], ['map', 0, 0, 1]] },
    { name: 'c', ops: [['unmap', 0, 1, 1], ['dma', 0, 0]] },
  ]);
  const fixed = applyContracts(sc);
  // domain 0 is freed: raw map/unmap on it go; attach and dma stay
  assert.deepEqual(fixed.threads.map((t) => t.ops), [[['domain_free', 0], ['attach', 0, 0]], [['dma', 0, 0]]]);
  const reuse = applyContracts(tiny([
    { name: 'a', ops: [['map', 0, 0, 0], ['unmap', 0, 0, 1], ['map', 0, 0, 1], ['iotlb_sync', 0], ['map', 0, 0, 1], ['dma_map', 0, 0]] },
    { name: 'b', ops: [['unmap', 0, 0, 1], ['unmap', 0, 1, 1]] },
  ]));
  // re-map before the sync goes; page 0 belongs to thread a; the DMA API stays off a raw domain
  assert.deepEqual(reuse.threads.map((t) => t.ops), [
    [['map', 0, 0, 0], ['unmap', 0, 0, 1], ['iotlb_sync', 0], ['map', 0, 0, 1]],
    [['unmap', 0, 1, 1]],
  ]);
});

test('the corpus takes a new minimized case once, and refuses one that does not replay its recorded verdict', async () => {
  const r = await runCampaign({ scenarios: allScenarios(), variants: ['detach-double-put'], seed: 3, runs: 1000 });
  const cx = r.finding!.counterexample;
  const dir = tmp();
  const first = addToCorpus(dir, cx);
  assert.ok('added' in first, JSON.stringify(first));
  assert.match(first.added, /-fuzz-[0-9a-f]{8}--detach-double-put--refcount-sane\.json$/);
  assert.deepEqual(addToCorpus(dir, cx), { skipped: 'duplicate' });
  assert.equal(readdirSync(dir).length, 1);
  const saved = JSON.parse(readFileSync(first.added, 'utf8'));
  assert.equal(caseKey(saved), caseKey(cx));
  // recorded under a correct variant set, the case is no faulty variant's
  assert.deepEqual(addToCorpus(dir, { ...cx, variants: [] }), { skipped: 'not-reproduced' });
});

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/iommu-check.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('fuzz finds a faulty variant: exit 1, report and a counterexample that replay reads', () => {
  const out = tmp();
  const r = cli('fuzz', '--variant', 'unmap-no-invalidate', '--seed', '1', '--runs', '2000', '--out', out, '-q');
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /runs\/s/);
  assert.match(r.out, /violates no-stale-tlb-after-sync/);
  const report = JSON.parse(readFileSync(join(out, 'fuzz.json'), 'utf8'));
  assert.equal(report.finding.violation.invariant, 'no-stale-tlb-after-sync');
  assert.match(readFileSync(join(out, 'fuzz.md'), 'utf8'), /Replay: `npx iommu-check replay/);
  const [file] = readdirSync(join(out, 'counterexamples'));
  const rep = cli('replay', join(out, 'counterexamples', file), '-q');
  assert.equal(rep.code, 1);
  assert.match(rep.out, /^reproduced: violation of no-stale-tlb-after-sync/m);
});

test('fuzz of the correct variants exits 0 and prints runs/s and the progress line', () => {
  const out = tmp();
  const r = cli('fuzz', 'flush-queue-iova-reuse', '--seed', '11', '--runs', '400', '--out', out);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /400 runs in [\d.]+ s \(\d+ runs\/s\), stopped by runs/);
  assert.match(r.err, /fuzz: seed 11, shard 1\/1, 1 template\(s\), correct variants, budget 400 runs/);
  assert.ok(existsSync(join(out, 'fuzz.md')));
});

test('fuzz stops on SIGINT with the report written', async () => {
  const out = tmp();
  const child = spawn(process.execPath, [join(root, 'bin/iommu-check.js'), 'fuzz', '--seed', '4', '--time', '1m', '--out', out], { cwd: root });
  let stdout = '', stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  // wait for the first line (the campaign started), then interrupt
  await new Promise<void>((res) => child.stderr.once('data', () => res()));
  await new Promise((res) => setTimeout(res, 700));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((res) => child.on('close', res));
  assert.equal(code, 0, stdout + stderr);
  assert.match(stdout, /stopped by stop.*\(interrupted\)/);
  assert.equal(JSON.parse(readFileSync(join(out, 'fuzz.json'), 'utf8')).stoppedBy, 'stop');
});

test('fuzz: bad flags exit 2 with one clear line and no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['fuzz', '--time', 'soon'], /argument 'soon' is invalid. expected a duration/],
    [['fuzz', '--shard', '3/2'], /expected i\/N with 1 <= i <= N/],
    [['fuzz', '--shard', '0/2'], /expected i\/N/],
    [['fuzz', '--runs', '0'], /expected a positive integer/],
    [['fuzz', '--seed', 'abc'], /expected an integer/],
    [['fuzz', '--variant', 'no-such-variant'], /unknown variant 'no-such-variant'/],
    [['fuzz', '--variant', 'sync-no-wait,sync-one-instance'], /both replace 'iotlb_sync'/],
    [['fuzz', 'no-such-scenario'], /unknown scenario 'no-such-scenario'/],
    [['fuzz', '--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, re] of cases) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.err}`);
    assert.match(r.err, re, args.join(' '));
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
  }
});

test('a campaign for a core variant draws the scenarios calling its operation half the time', () => {
  const all = allScenarios();
  const w = drawWeights(['fq-reuse-before-flush'], all);
  const callers = all.map((sc) => sc.threads.some((th) => th.ops.some((c) => Array.isArray(c) && c[0] === 'dma_unmap')));
  assert.ok(callers[all.findIndex((sc) => sc.name === 'flush-queue-iova-reuse')], 'the flush-queue scenario calls dma_unmap');
  const sum = (pick: boolean) => w.reduce((s, x, i) => s + (callers[i] === pick ? x : 0), 0);
  assert.ok(callers.some((c) => !c), 'some scenarios do not call it');
  assert.equal(sum(true), sum(false), 'callers and the rest weigh the same in all');
  // a policy slot no scenario names, or no variant: every scenario alike
  assert.ok(drawWeights(['hyp-lock-per-iommu-only'], all).every((x) => x === 1));
  assert.ok(drawWeights(undefined, all).every((x) => x === 1));
});
