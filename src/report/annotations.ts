// Owns the GitHub Actions annotations of a run: one `::error file=…,line=…,title=…::…` workflow command per
// violation, at the model source of the violating step's operation (else the counterexample file).
import { escapeGithubData, escapeGithubProperty } from './escape';
import { jobLabel, type RunView } from './view';

/** `outDir`: the report's folder as seen from where the annotations are read (the replay paths are relative to it). */
export function githubAnnotations(v: RunView, outDir = '.'): string[] {
  const from = (p: string) => (outDir === '.' || outDir === '' ? p : `${outDir.replace(/\/+$/, '')}/${p}`);
  return v.report.jobs.flatMap((j, k) => {
    if (!j.violation) return [];
    const src = v.sources.get(k)?.[0];
    const t = v.traces.get(k);
    const props = [
      ...(src ? [`file=${escapeGithubProperty(src.file)}`, `line=${src.line}`] : t?.replayFile ? [`file=${escapeGithubProperty(from(t.replayFile))}`] : []),
      `title=${escapeGithubProperty(`iommu-check: ${j.violation.invariant}`)}`,
    ];
    const replay = t?.replayFile ? ` (replay: npx iommu-check replay ${from(t.replayFile)})` : '';
    return [`::error ${props.join(',')}::${escapeGithubData(`${jobLabel(j)} violates ${j.violation.invariant}: ${j.violation.message}${replay}`)}`];
  });
}
