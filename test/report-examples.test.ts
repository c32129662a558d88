// Pins the example reports committed under reports/examples/: regenerated in memory (scripts/examples.ts, the
// same renderers as `explore --format html,md`), they must equal the committed files; run `npm run examples`
// after changing a renderer or the model. Also: at least three subsystems, each example replays from its folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXAMPLES, renderExamples } from '../scripts/examples';
import { findVariant } from '../src/model/variants';

const dir = join(__dirname, '..', 'reports', 'examples');

function committed(): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split('\\').join('/')).sort();
}

test('the committed example reports are up to date (else: npm run examples)', () => {
  const fresh = renderExamples();
  assert.deepEqual(committed(), [...fresh.keys()].sort(), 'the same files (npm run examples)');
  for (const [f, text] of fresh) assert.equal(readFileSync(join(dir, f), 'utf8'), text, `${f} is stale: run npm run examples`);
});

test('the examples cover faulty variants of at least three subsystems, each report with its replayable counterexample', () => {
  const subsystems = new Set(EXAMPLES.map(([, v]) => findVariant(v)!.subsystem));
  assert.ok(subsystems.size >= 3, [...subsystems].join(', '));
  for (const [s, v] of EXAMPLES) {
    assert.equal(findVariant(v)!.faulty, true, v);
    const html = readFileSync(join(dir, `${s}--${v}.html`), 'utf8');
    const replay = /<code class="replay">npx iommu-check replay ([^<]+)<\/code>/.exec(html)![1];
    assert.ok(existsSync(join(dir, replay)), replay);
    assert.ok(existsSync(join(dir, `${s}--${v}.md`)));
  }
});
