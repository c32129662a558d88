// Replays every saved counterexample in corpus/ as a regression test: each must reproduce its recorded
// verdict exactly, and the same program under the correct variants must explore clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCounterexample } from '../src/explorer/counterexample';
import { replayCounterexample } from '../src/explorer/replay';
import { runJob } from '../src/explorer/job';
import { findVariant } from '../src/model/variants';

const dir = join(__dirname, '..', 'corpus');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('the corpus is not empty', () => assert.ok(files.length > 0));

for (const f of files) {
  test(`corpus/${f} reproduces its recorded verdict, and passes under the correct variants`, (t) => {
    const cx = loadCounterexample(join(dir, f));
    const out = replayCounterexample(cx, f);
    assert.ok(out.reproduced, `recorded ${cx.violation?.invariant ?? 'clean'}, replay gave ${out.violation?.invariant ?? 'clean'}`);
    const correct = cx.variants.filter((v) => !findVariant(v)?.faulty);
    if (correct.length === cx.variants.length) return;
    const clean = runJob({ scenario: cx.scenario, variants: correct });
    t.diagnostic(`correct variants: ${clean.verdict}, ${clean.stats.states} states`);
    assert.equal(clean.verdict, 'clean', clean.violation?.message);
  });
}
