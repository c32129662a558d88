// Owns rendering a saved result in each output format: each format's files, named after the result
// (`explore.html`, `explore.junit.xml`, `itf/<scenario>--<variants>.itf.json`...), with their content. Writing
// them is the caller's.
import type { Counterexample } from '../result/format';
import type { Format } from './formats';
import { renderHtml } from './html';
import { renderItf } from './itf';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';
import type { Report } from './report';
import type { RunView } from './view';

export interface OutputFile {
  /** relative to the output folder */
  path: string;
  text: string;
}

/** The report with each job's counterexample path made the one that replays from the output folder. */
function replayable(v: RunView): { report: Report; cxs: Map<string, Counterexample> } {
  const cxs = new Map<string, Counterexample>();
  const jobs = v.report.jobs.map((j, k) => {
    const t = v.traces.get(k);
    if (!t?.replayFile) return j;
    cxs.set(t.replayFile, t.cx);
    return { ...j, counterexampleFile: t.replayFile };
  });
  return { report: { ...v.report, jobs }, cxs };
}

function fileStem(cx: Counterexample): string {
  return `${cx.scenario.name}--${cx.variants.join('+') || 'default'}`.replace(/[^a-zA-Z0-9.+_-]/g, '_');
}

export function render(format: Format, v: RunView, name: string): OutputFile[] {
  switch (format) {
    case 'html':
      return [{ path: `${name}.html`, text: renderHtml(v) }];
    case 'md': {
      const r = replayable(v);
      return [{ path: `${name}.md`, text: renderMarkdown(r.report, r.cxs) }];
    }
    case 'json': {
      const r = replayable(v);
      const counterexamples = [...v.traces].map(([job, t]) => ({ job, replayFile: t.replayFile, minimized: t.minimized, counterexample: t.cx }));
      return [{ path: `${name}.report.json`, text: JSON.stringify({ ...r.report, counterexamples }, null, 1) + '\n' }];
    }
    case 'junit':
      return [{ path: `${name}.junit.xml`, text: renderJunit(v) }];
    case 'sarif':
      return [{ path: `${name}.sarif`, text: renderSarif(v) }];
    case 'itf':
      return [...v.traces.values()].map((t) => ({
        path: `itf/${fileStem(t.cx)}${t.minimized ? '.min' : ''}.itf.json`,
        text: JSON.stringify(renderItf(t.cx, t.replayFile ?? t.cx.scenario.name), null, 1) + '\n',
      }));
  }
}
