// Owns the JUnit XML output: one testsuite per job (scenario × variants), one testcase per invariant it checked
// (the violated or expected one alone when the checked list is unknown); a violated invariant's testcase fails
// with the message and the minimized trace; a job that did not meet its expectation (verify) or stopped at a
// bound is said so. Valid against the JUnit schema in test/schemas/junit.xsd.
import { formatTrace } from '../result/format';
import { escapeXml as x } from './escape';
import type { ReportJob } from './report';
import { jobLabel, type RunView } from './view';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

interface Case {
  name: string;
  failure?: { type: string; message: string; body: string };
  skipped?: string;
}

function casesOf(v: RunView, j: ReportJob, k: number): Case[] {
  const listed = v.checked.get(k) ?? [];
  const names = [...new Set([...listed, ...(j.violation ? [j.violation.invariant] : []), ...(j.expect && j.expect !== 'clean' ? [j.expect] : [])])];
  if (!names.length) names.push('all invariants that apply');
  const trace = v.traces.get(k);
  const body = trace ? [`replay: npx iommu-check replay ${trace.replayFile ?? '(not saved)'}`, ...formatTrace(trace.cx.trace)].join('\n') : '';
  return names.map((name) => {
    const violated = j.violation?.invariant === name;
    const expected = j.expect === name;
    if (violated && !expected) return { name, failure: { type: 'violation', message: j.violation!.message, body } };
    if (expected && !violated) return { name, failure: { type: 'not-caught', message: `expected ${name} to catch ${j.variants.join('+')}, got ${j.violation?.invariant ?? j.verdict}`, body } };
    if (!violated && j.verdict === 'bounded') return { name, skipped: `clean up to bound (${j.bound ?? 'a bound'}): nothing proved` };
    return { name };
  });
}

function testcase(classname: string, c: Case, time: string): string {
  const open = `    <testcase name="${x(c.name)}" classname="${x(classname)}" time="${time}"`;
  if (c.failure) return `${open}>\n      <failure type="${x(c.failure.type)}" message="${x(c.failure.message)}">${x(c.failure.body)}</failure>\n    </testcase>`;
  if (c.skipped) return `${open}>\n      <skipped message="${x(c.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

export function renderJunit(v: RunView): string {
  const suites: string[] = [];
  let tests = 0, failures = 0;
  v.report.jobs.forEach((j, k) => {
    const cases = casesOf(v, j, k);
    const fails = cases.filter((c) => c.failure).length, skips = cases.filter((c) => c.skipped).length;
    tests += cases.length;
    failures += fails;
    const cls = `iommu-check.${j.scenario}.${j.variants.join('+') || 'default'}`;
    suites.push(`  <testsuite name="${x(jobLabel(j))}" tests="${cases.length}" failures="${fails}" errors="0" skipped="${skips}" time="${seconds(j.stats.ms)}">\n` +
      `    <properties>\n      <property name="states" value="${j.stats.states}"/>\n      <property name="transitions" value="${j.stats.transitions}"/>\n      <property name="verdict" value="${x(j.verdict)}"/>\n    </properties>\n` +
      cases.map((c) => testcase(cls, c, seconds(j.stats.ms / cases.length))).join('\n') + '\n  </testsuite>');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${x(v.title)}" tests="${tests}" failures="${failures}" errors="0" time="${seconds(v.report.totals.ms)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
