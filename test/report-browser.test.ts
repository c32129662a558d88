// Renders the HTML report of a known counterexample in headless Chromium and checks what a reader sees: the
// diagram is there with a lane per actor, a box per step and the violation marked, every arrow drawn with its
// marker, nothing broken (no zero-sized diagram, no missing reference), no console error. Chromium missing:
// skipped on a developer's machine, a FAILURE under CI=true (.ci/run installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runJob } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';
import { renderHtml } from '../src/report/html';
import { handOffs } from '../src/report/swimlane';
import { viewOfSaved } from '../src/cli/saved';
import { Browser, CHROMIUM } from './browser';

const inCi = process.env.CI === 'true';

test('the HTML report renders in headless Chromium: lanes, boxes, arrows, violation, no errors', { skip: !CHROMIUM && !inCi ? 'chromium not installed (apt-get install -y chromium)' : false, timeout: 120_000 }, async () => {
  assert.ok(CHROMIUM, 'chromium is required under CI=true (.ci/run installs it): /usr/bin/chromium not found');
  const r = runJob({ scenario: findScenario('two-vms-overlapping-vdev-ids'), variants: ['unset-drain-before-erase'] });
  const cx = r.minimized ?? r.counterexample!;
  const dir = mkdtempSync(join(tmpdir(), 'iommu-check-browser-'));
  mkdirSync(join(dir, 'counterexamples'));
  const file = join(dir, 'counterexamples', 'cx.min.json');
  writeFileSync(file, JSON.stringify(cx));
  const page = join(dir, 'report.html');
  writeFileSync(page, renderHtml(viewOfSaved({ kind: 'counterexample', cx }, file, dir)));
  const actors = [...new Set(cx.trace.map((t) => t.thread))];
  const arrows = handOffs(cx.trace);
  assert.ok(actors.length >= 2 && arrows.length > 0, 'the known counterexample has several actors and hand-offs');

  const browser = new Browser(CHROMIUM!);
  try {
    const seen = (await browser.evaluate(pathToFileURL(page).href, `(() => {
      const svg = document.querySelector('svg.swimlane');
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      const steps = [...document.querySelectorAll('svg.swimlane g.step')];
      const ids = new Set([...document.querySelectorAll('[id]')].map((e) => e.id));
      const refs = [...document.querySelectorAll('[marker-end]')].map((e) => e.getAttribute('marker-end').replace(/^url\\(#(.*)\\)$/, '$1'));
      return {
        svg: { width: box.width, height: box.height },
        lanes: [...document.querySelectorAll('svg.swimlane g.lane')].map((g) => g.getAttribute('data-lane')),
        steps: steps.length,
        emptyBoxes: steps.filter((g) => { const b = g.querySelector('rect').getBBox(); return !(b.width > 0 && b.height > 0) || !g.querySelector('text').textContent; }).length,
        violations: document.querySelectorAll('svg.swimlane g.step.violation').length,
        violationMark: (document.querySelector('svg.swimlane .violation-mark') || {}).textContent || '',
        arrows: [...document.querySelectorAll('svg.swimlane path.handoff')].map((p) => p.getTotalLength()),
        missingRefs: refs.filter((id) => !ids.has(id)),
        violatingRows: document.querySelectorAll('tr.trace-step.violating').length,
        replay: (document.querySelector('code.replay') || {}).textContent || '',
        parserErrors: document.querySelectorAll('parsererror').length,
        images: [...document.images].filter((i) => !i.complete || i.naturalWidth === 0).length,
      };
    })()`)) as Record<string, unknown> & { svg: { width: number; height: number }; lanes: string[]; arrows: number[] };
    assert.ok(seen.svg.width > 100 && seen.svg.height > 100, `the diagram has a size: ${JSON.stringify(seen.svg)}`);
    assert.deepEqual([...seen.lanes].sort(), [...actors].sort());
    assert.equal(seen.steps, cx.trace.length);
    assert.equal(seen.emptyBoxes, 0);
    assert.equal(seen.violations, 1);
    assert.match(String(seen.violationMark), new RegExp(cx.violation!.invariant));
    assert.equal(seen.arrows.length, arrows.length);
    assert.ok(seen.arrows.every((len) => len > 0), 'every arrow is drawn');
    assert.deepEqual(seen.missingRefs, []);
    assert.equal(seen.violatingRows, 1);
    assert.equal(seen.replay, 'npx iommu-check replay counterexamples/cx.min.json');
    assert.equal(seen.parserErrors, 0);
    assert.equal(seen.images, 0);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});
