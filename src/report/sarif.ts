// Owns the SARIF 2.1.0 output: one result per violation, its invariant as the rule, located at the model source
// of the violating step's operation (the run's variant of it when one replaces it), the run's other variants as
// related locations, the trace as a code flow with one thread flow per actor, and the replay command.
import { jobLabel, type RunView, type SourceRef } from './view';
import { stepLabel } from './swimlane';
import type { ReportJob } from './report';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

function physical(r: SourceRef) {
  return { physicalLocation: { artifactLocation: { uri: r.file, uriBaseId: 'SRCROOT' }, region: { startLine: r.line } }, ...(r.what ? { message: { text: r.what } } : {}) };
}

function resultOf(v: RunView, j: ReportJob, k: number, ruleIndex: number) {
  const t = v.traces.get(k);
  const refs = v.sources.get(k) ?? [];
  const replay = t?.replayFile ? `npx iommu-check replay ${t.replayFile}` : undefined;
  const where = refs.length ? [physical(refs[0])]
    : t?.replayFile ? [{ physicalLocation: { artifactLocation: { uri: t.replayFile.split('\\').join('/') } } }] : [];
  const lanes = t ? [...new Set(t.cx.trace.map((s) => s.thread))] : [];
  return {
    ruleId: j.violation!.invariant, ruleIndex, level: 'error' as const, kind: 'fail' as const,
    message: { text: `${jobLabel(j)}: ${j.violation!.message}${replay ? ` (replay: ${replay})` : ''}` },
    locations: where,
    ...(refs.length > 1 ? { relatedLocations: refs.slice(1).map((r, i) => ({ id: i + 1, ...physical(r) })) } : {}),
    ...(t && t.cx.trace.length ? {
      codeFlows: [{
        message: { text: `${t.minimized ? 'minimized ' : ''}trace of ${t.cx.trace.length} steps` },
        threadFlows: lanes.map((lane) => ({
          id: lane,
          locations: t.cx.trace.filter((s) => s.thread === lane).map((s) => ({
            executionOrder: s.n, location: { ...(refs[0] ? physical(refs[0]) : {}), message: { text: `${s.n}. ${lane}: ${stepLabel(s)}` } },
          })),
        })),
      }],
    } : {}),
    partialFingerprints: { 'iommu-check/job': `${jobLabel(j)}:${j.violation!.invariant}` },
    properties: { scenario: j.scenario, variants: j.variants, ...(replay ? { replay } : {}) },
  };
}

export function renderSarif(v: RunView, toolVersion = '0.1.0'): string {
  const violated = v.report.jobs.map((j, k) => ({ j, k })).filter(({ j }) => j.violation);
  const ruleIds = [...new Set(violated.map(({ j }) => j.violation!.invariant))];
  const rules = ruleIds.map((id) => ({
    id, name: id, shortDescription: { text: v.invariants[id] ?? id }, defaultConfiguration: { level: 'error' as const },
  }));
  const log = {
    $schema: SARIF_SCHEMA, version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'iommu-check', version: toolVersion, rules } },
      originalUriBaseIds: { SRCROOT: { description: { text: 'the iommu-check package root (the repository checkout)' } } },
      results: violated.map(({ j, k }) => resultOf(v, j, k, ruleIds.indexOf(j.violation!.invariant))),
      properties: { command: v.command },
    }],
  };
  return JSON.stringify(log, null, 1) + '\n';
}
