// Tests of the JUnit XML output: valid against the JUnit XML schema (test/schemas/junit.xsd) (test/schemas/, checked with
// xmllint: required under CI=true, where .ci/run installs it), a testcase per scenario × variants × invariant,
// failures carrying the message and the minimized trace, a bound reported as skipped, names escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJunit } from '../src/report/junit';
import { savedRun } from './report-fixture';

const xmllint = spawnSync('xmllint', ['--version']).status === 0;
const XSD = join(__dirname, 'schemas', 'junit.xsd');

function validate(file: string): { ok: boolean; err: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  return { ok: r.status === 0, err: r.stderr };
}

test('JUnit XML: valid against junit.xsd; one testcase per job and invariant; failures carry the trace', { skip: !xmllint && process.env.CI !== 'true' ? 'xmllint not installed (apt-get install -y libxml2-utils)' : false }, () => {
  assert.ok(xmllint, 'xmllint is required under CI=true (.ci/run installs libxml2-utils)');
  const { view, dir } = savedRun();
  // a hostile scenario name and message must stay valid XML
  view.report.jobs[4] = { ...view.report.jobs[4], scenario: '<x a="1">&\u0001', violation: { ...view.report.jobs[4].violation!, message: ']]> <script>' } };
  const xml = renderJunit(view);
  const file = join(dir, 'verify.junit.xml');
  writeFileSync(file, xml);
  const v = validate(file);
  assert.ok(v.ok, v.err);
  const suites = xml.match(/<testsuite /g) ?? [];
  assert.equal(suites.length, view.report.jobs.length);
  const expectedCases = view.report.jobs.reduce((a, j, k) => a + new Set([...(view.checked.get(k) ?? []), ...(j.violation ? [j.violation.invariant] : []), ...(j.expect && j.expect !== 'clean' ? [j.expect] : [])]).size, 0);
  assert.equal((xml.match(/<testcase /g) ?? []).length, expectedCases);
  assert.ok(view.checked.get(0)!.length > 3, 'a clean job lists every invariant that applies');
  // caught as expected: passes; not caught by the expected invariant: fails; unexpected violation: fails with the trace
  assert.match(xml, /<testcase name="no-stale-tlb-after-sync" classname="iommu-check.unmap-racing-dma-with-sync.sync-no-wait" time="[\d.]+"\/>/);
  assert.match(xml, /<testcase name="refcount-sane" classname="iommu-check.unmap-racing-dma-with-sync.sync-no-wait"[^>]*>\s*<failure type="not-caught"/);
  assert.match(xml, /<failure type="violation" message="\]\]&gt; &lt;script&gt;">replay: npx iommu-check replay counterexamples\/[^\n]+\.min\.json\n\s+1\. /);
  assert.match(xml, /<skipped message="clean up to bound \(5 states\)/);
  assert.match(xml, /name="&lt;x a=&quot;1&quot;&gt;&amp;\ufffd \[sync-one-instance\]"/);
  // the schema check can fail: a testsuite without its required counts is refused
  const broken = join(dir, 'broken.junit.xml');
  writeFileSync(broken, xml.replace(/ failures="\d+" errors="0" skipped/, ' skipped'));
  assert.equal(validate(broken).ok, false);
});
