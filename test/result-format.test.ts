// Tests of the layout of saved results: src/report/ reads the result and counterexample formats from
// src/result/format.ts only, and what the explorer writes is that format (it renders and reports unchanged).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJob } from '../src/explorer/job';
import { findScenario } from '../src/model/scenarios';
import { parseCounterexample } from '../src/explorer/counterexample';
import { COUNTEREXAMPLE_FORMAT, COUNTEREXAMPLE_VERSION, formatTrace, metExpectation } from '../src/result/format';
import { makeReport } from '../src/report/report';
import { renderMarkdown } from '../src/report/markdown';

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);

test('src/report imports nothing from the explorer or the fuzzer: it reads the formats of src/result', () => {
  const dir = join(__dirname, '..', 'src', 'report');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 0);
  for (const f of files)
    for (const spec of importsOf(join(dir, f)))
      assert.ok(!/explorer|fuzz/.test(spec), `src/report/${f} imports ${spec}`);
});

test('the explorer writes the counterexample format of src/result and the report renders it', () => {
  const r = runJob({ scenario: findScenario('unmap-racing-dma-with-sync'), variants: ['sync-no-wait'], expect: 'iotlb-coherent' });
  const cx = r.counterexample!;
  assert.equal(cx.format, COUNTEREXAMPLE_FORMAT);
  assert.equal(cx.version, COUNTEREXAMPLE_VERSION);
  assert.deepEqual(parseCounterexample(JSON.stringify(cx), 'mem').schedule, cx.schedule);
  const report = makeReport('explore', {}, new Date(0), [{ result: r, file: 'cx.json' }]);
  assert.equal(report.jobs[0].asExpected, metExpectation(r));
  assert.equal(report.jobs[0].counterexampleFile, 'cx.json');
  const md = renderMarkdown(report, new Map([['cx.json', cx]]));
  for (const line of formatTrace(cx.trace)) assert.ok(md.includes(line), `markdown lacks trace line ${line}`);
});
