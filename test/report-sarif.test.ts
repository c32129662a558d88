// Tests of the SARIF 2.1.0 output: valid against the OASIS SARIF 2.1.0 JSON schema (test/schemas/, with ajv's
// draft-04 dialect), one result per violation with its invariant as the rule, located at the model source line
// that defines the violating step's operation (or the run's variant of it), the trace as a code flow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { renderSarif } from '../src/report/sarif';
import { savedRun } from './report-fixture';

const schema = JSON.parse(readFileSync(join(__dirname, 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }) // the schema's language pattern is not a valid /u regex;
addFormats(ajv);
const validate = ajv.compile(schema);

interface Result { ruleId: string; ruleIndex: number; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[]; relatedLocations?: unknown[]; codeFlows?: { threadFlows: { id: string; locations: unknown[] }[] }[] }

test('SARIF: valid against the 2.1.0 schema, one result per violation, the invariant as the rule, the operation\'s source line', () => {
  const { view } = savedRun();
  const log = JSON.parse(renderSarif(view)) as { runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } }; results: Result[] }[] };
  const valid = validate(structuredClone(log));
  assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5)));
  const run = log.runs[0];
  const results = run.results as Result[];
  const violated = view.report.jobs.filter((j) => j.violation);
  assert.equal(results.length, violated.length);
  assert.deepEqual(results.map((r) => r.ruleId), violated.map((j) => j.violation!.invariant));
  for (const r of results) {
    assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
    assert.ok(run.tool.driver.rules[r.ruleIndex].shortDescription.text.length > 10, 'the rule carries the invariant\'s description');
    const loc = r.locations[0].physicalLocation;
    assert.match(loc.artifactLocation.uri, /^src\/model\/.+\.ts$/);
    // the line really is where the operation or variant is defined
    const line = readFileSync(join(__dirname, '..', loc.artifactLocation.uri), 'utf8').split('\n')[loc.region!.startLine - 1];
    assert.match(line, /operation\(\{|variantOf\(|name: '[\w-]+', slot:/, `${loc.artifactLocation.uri}:${loc.region!.startLine}: ${line}`);
    assert.ok(r.codeFlows![0].threadFlows.length >= 1);
    assert.match(r.message.text, /replay: npx iommu-check replay counterexamples\//);
  }
  // sync-no-wait replaces iotlb_sync's wait: its result points at that variant's definition
  const sync = results.find((r) => /\[sync-no-wait\]/.test(r.message.text))!;
  const at = sync.locations[0].physicalLocation;
  assert.match(readFileSync(join(__dirname, '..', at.artifactLocation.uri), 'utf8').split('\n')[at.region!.startLine - 1], /sync-no-wait/);
});

test('SARIF: the schema check can fail (a result without a message is refused)', () => {
  const { view } = savedRun();
  const log = JSON.parse(renderSarif(view));
  delete log.runs[0].results[0].message;
  assert.equal(validate(log), false);
});
