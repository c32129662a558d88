// Tests of counterexamples in the domain's words (issue 12): every layout field declares how it prints, a
// counterexample of each subsystem reads with no raw encodings and no ghosts, its set-up, initial and violating
// states are shown (read fields marked), and the structured diffs match the printed text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildModel } from '../src/model/model';
import { allScenarios, findScenario } from '../src/model/scenarios';
import { loadCounterexample } from '../src/explorer/counterexample';
import { replayCounterexample } from '../src/explorer/replay';
import { runJob } from '../src/explorer/job';
import { formatCounterexample } from '../src/result/format';
import { renderHtml } from '../src/report/html';
import { viewOfSaved } from '../src/cli/saved';
import { escapeHtml } from '../src/report/escape';
import { lockPrinter, idPrinter } from '../src/model/printers';
import { RWSEM_READERS, RWSEM_WRITER } from '../src/model/api/lockword';

/** One faulty counterexample per subsystem, from corpus/. */
const PER_SUBSYSTEM: Record<string, string> = {
  'tlb/flush': 'unmap-racing-dma-with-sync--unmap-no-invalidate--no-stale-tlb-after-sync.json',
  cmdq: 'unmap-racing-dma-with-sync--sync-no-wait--no-stale-tlb-after-sync.json',
  'flush queue': 'flush-queue-iova-reuse--fq-reuse-before-flush--isolation.json',
  'domains lifetime': 'free-racing-attach-detach--detach-double-put--refcount-sane.json',
  sva: 'bind-racing-unbind-same-mm--get-user-inc-from-zero--no-use-after-free.json',
  ioasid: 'ioasid-free-racing-bind--bind-without-ref--no-stale-pasid-entry.json',
  hyp: 'hyp-host-races-one-iova--hyp-lockless-plain-install--hyp-state-consistent.json',
  viommu: 'two-vms-overlapping-vdev-ids--vinv-stale-vdev-lookup--viommu-isolation.json',
};

test('every field of every built-in scenario\'s layout declares how it prints', () => {
  const missing = new Map<string, string>();
  for (const sc of allScenarios()) for (const f of buildModel(sc).sys.layout.unprinted()) missing.set(f, sc.name);
  assert.deepEqual([...missing].map(([f, sc]) => `${f} (in ${sc})`), []);
});

test('lock words print their holder by thread name, ids as the user wrote them', () => {
  const threads = ['driver', 'freer', 'walker'];
  assert.equal(lockPrinter.text(0, threads), 'free');
  assert.equal(lockPrinter.text(2, threads), 'held by freer');
  assert.equal(lockPrinter.text(RWSEM_WRITER | 1, threads), 'held by driver');
  assert.equal(lockPrinter.text(RWSEM_READERS | 0b101, threads), 'read by driver, walker');
  assert.equal(idPrinter('domain').text(0, threads), 'none');
  assert.equal(idPrinter('domain').text(3, threads), 'domain 2');
});

for (const [subsystem, file] of Object.entries(PER_SUBSYSTEM)) {
  test(`a ${subsystem} counterexample reads with no ghosts and no raw lock, state or id encodings, in the terminal and in HTML`, () => {
    const cx = loadCounterexample(join(__dirname, '..', 'corpus', file));
    const out = replayCounterexample(cx);
    assert.ok(out.reproduced, `${file} replays`);
    const text = formatCounterexample({ ...out, trace: out.steps }).join('\n');
    assert.doesNotMatch(text, /ghost\./);
    assert.doesNotMatch(text, /(lock|mutex|state)[\w.]*(\[\d+\])*: -?\d+ -> -?\d+/);
    assert.doesNotMatch(text, /(lock|mutex|state)[\w.]*(\[\d+\])* = -?\d+\b/);
    const L = buildModel(cx.scenario, cx.variants).sys.layout;
    const slotOf = new Map(L.slotNames.map((n, i) => [n, i]));
    const changes = out.steps.flatMap((s) => s.diff ?? []);
    assert.ok(changes.length > 0, 'the trace changes some field');
    for (const c of changes) {
      const kind = L.printKind(slotOf.get(c.slot!)!);
      assert.ok(kind, `${c.slot} declares a printer`);
      if (kind !== 'count' && !c.ghost) assert.doesNotMatch(`${c.fromText} ${c.toText}`, /^-?\d+ -?\d+$/, `${c.slot} prints in words`);
    }
    // the printed changes are exactly the structured ones that are not ghosts
    for (const s of out.steps)
      assert.deepEqual(s.changes, (s.diff ?? []).filter((c) => !c.ghost).map((c) => `${c.slot}: ${c.fromText} -> ${c.toText}`));
    assert.ok(out.prologue.length > 0 && out.final.length > 0);
    // and so does its HTML report
    const shown = { ...cx, trace: out.steps, prologue: out.prologue, initial: out.initial, final: out.final };
    const html = renderHtml(viewOfSaved({ kind: 'counterexample', cx: shown }, join(__dirname, '..', 'corpus', file), join(__dirname, '..', 'corpus')));
    assert.doesNotMatch(html, /ghost\./, 'no ghost in the HTML');
    assert.doesNotMatch(html, /(lock|mutex|state)[\w.]*(\[\d+\])*: -?\d+ → -?\d+/, 'no raw lock or state values in the HTML');
    for (const c of changes.filter((x) => !x.ghost)) assert.ok(html.includes(`${c.slot}: ${escapeHtml(c.fromText)} → ${escapeHtml(c.toText)}`), `${c.slot} in words in the HTML`);
  });
}

test('the violating state marks the fields the invariant read; the initial state holds the ones the trace touched', () => {
  const cx = loadCounterexample(join(__dirname, '..', 'corpus', 'free-racing-attach-detach--free-ignores-attach-count--no-domain-freed-while-attached.json'));
  const out = replayCounterexample(cx);
  const read = out.final.filter((v) => v.read).map((v) => `${v.slot} = ${v.text}`);
  assert.deepEqual(read, ['domain.state[0] = FREED', 'device.domain[0] = domain 0']);
  const touched = new Set(out.steps.flatMap((s) => (s.diff ?? []).map((c) => c.slot)));
  assert.deepEqual(new Set(out.initial.map((v) => v.slot)), touched);
  const text = formatCounterexample({ ...out, trace: out.steps }).join('\n');
  assert.match(text, /\n {2}\* domain\.state\[0\] = FREED\n/);
  assert.match(text, /initial state[^\n]*\n {4}domain\.state\[0\] = LIVE\n/);
  assert.match(text, /domain\.lock\[0\]: free -> held by user0/);
});

test('the set-up is shown as a prologue, with what it left in the state (the warm IOTLB)', () => {
  const cx = loadCounterexample(join(__dirname, '..', 'corpus', 'unmap-racing-dma-with-sync--unmap-no-invalidate--no-stale-tlb-after-sync.json'));
  const out = replayCounterexample(cx);
  const setup = out.prologue.find((l) => l.startsWith('set-up'));
  assert.match(setup ?? '', /map\(domain=0, iova=0, phys=0\); dma\(device=0, iova=0\)/);
  assert.match(out.prologue.find((l) => l.startsWith('the set-up left')) ?? '', /iotlb\[0\]\[0\]\[0\] = phys page 0/);
});

test('ghosts are kept in the structured diff, marked, and printed only when asked for', () => {
  const cx = loadCounterexample(join(__dirname, '..', 'corpus', PER_SUBSYSTEM.hyp));
  const out = replayCounterexample(cx);
  const ghosts = out.steps.flatMap((s) => s.diff ?? []).filter((c) => c.ghost);
  assert.ok(ghosts.length > 0 && ghosts.every((c) => c.field.startsWith('ghost.') || c.field === 'tpage.level'));
  const shown = formatCounterexample({ ...out, trace: out.steps }, { ghosts: true }).join('\n');
  assert.ok(ghosts.every((c) => shown.includes(`${c.slot}: ${c.fromText} -> ${c.toText}`)));
});

test('a counterexample found by the explorer carries the prologue, the initial and violating states and the diffs', () => {
  const r = runJob({ scenario: findScenario('free-racing-attach-detach'), variants: ['free-ignores-attach-count'] }, { minimize: false });
  const cx = r.counterexample!;
  assert.ok(cx.prologue!.length > 0 && cx.initial!.length > 0 && cx.final!.some((v) => v.read));
  assert.ok(cx.trace.every((s) => Array.isArray(s.diff)));
  const again = replayCounterexample(JSON.parse(JSON.stringify(cx)));
  assert.deepEqual(again.final, cx.final);
});

test('a violating state read only through ghosts says so, and shows them with --show-ghosts', () => {
  const cx = loadCounterexample(join(__dirname, '..', 'corpus', 'hyp-free-attached-domain-racing-map--hyp-free-ignores-refs--hyp-state-consistent.json'));
  const out = replayCounterexample(cx);
  const hidden = formatCounterexample({ ...out, trace: out.steps }).join('\n');
  assert.match(hidden, /the invariant also read \d+ ghost field\(s\): --show-ghosts prints them/);
  const shown = formatCounterexample({ ...out, trace: out.steps }, { ghosts: true }).join('\n');
  assert.match(shown, /\n {2}\* ghost\.hyp\.freed_in_use = hdomain 0\n/);
  assert.doesNotMatch(shown, /--show-ghosts prints them/);
});
