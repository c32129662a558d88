// The profile benchmark (`npm run bench:profile [tlb-p5-t3 | -f scenario.json] [--reduced] [--write]`): runs one
// job's full search (or the reduced one) in this process under V8's sampling profiler (node:inspector) and
// prints where its time goes, by the part of the checker each sampled function belongs to: the visited table,
// the search loop, the model's steps, the data-race signature, the invariants, the garbage collector. This is the
// profile issue 13 asks the benchmark tables to cite where a goal is not met. Writes reports/bench/profile.md
// (profile-reduced.md) with --write only (bench-output.ts).
import { Session } from 'node:inspector';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../src/model/scenarios';
import { buildModel } from '../src/model/model';
import { validateScenario, type ScenarioSpec } from '../src/model/scenario';
import { exploreDfs } from '../src/explorer/dfs';
import { exploreDpor } from '../src/explorer/dpor';
import { benchArgs, writeBenchFiles } from './bench-output';
import { markdownTable } from '../src/report/table';

const ROOT = __dirname.includes('dist') ? join(__dirname, '..', '..') : join(__dirname, '..');

function fail(msg: string, code = 1): never {
  process.stderr.write(`bench:profile: ${msg}\n`);
  process.exit(code);
}

/** The part of the checker a sampled function belongs to: by function name first, then by its file. */
const PARTS: [string, (fn: string, url: string) => boolean][] = [
  ['data-race signature (Model.noteRaceSignature, raceAccesses)', (fn) => /^(noteRaceSignature|raceAccesses|trialCopy|enterSandbox|leaveSandbox)$/.test(fn)],
  ['visited table (fptable.ts)', (_f, url) => /explorer\/fptable/.test(url)],
  ['fingerprints (statehash.ts)', (_f, url) => /model\/statehash/.test(url)],
  ['invariants (src/invariants)', (_f, url) => /\/invariants\//.test(url)],
  ['reduction (dpor*.ts, footprint.ts, summaries.ts, atommemo.ts)', (_f, url) => /explorer\/(dpor|footprint|summaries|atommemo)/.test(url)],
  ['search loop and stack (dfs*.ts, the rest of src/explorer)', (_f, url) => /explorer\//.test(url)],
  ['model steps (model.ts, world.ts, the subsystems\' steps)', (_f, url) => /\/model\//.test(url)],
  ['garbage collector', (fn) => fn === '(garbage collector)'],
];

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function profiled<T>(run: () => T): Promise<{ result: T; profile: Profile }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((res, rej) => session.post(method, params ?? {}, (e, r) => (e ? rej(e) : res(r))));
  return (async () => {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    const result = run();
    const { profile } = (await post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
    return { result, profile };
  })();
}

function byPart(p: Profile): { part: string; ms: number }[] {
  const node = new Map(p.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const { functionName, url } = node.get(p.samples[i])!.callFrame;
    const part = PARTS.find(([, is]) => is(functionName, url))?.[0] ?? 'other (node, start-up, idle)';
    ms.set(part, (ms.get(part) ?? 0) + p.timeDeltas[i] / 1000);
  }
  return [...ms].map(([part, t]) => ({ part, ms: t })).sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
  const args = benchArgs(process.argv.slice(2));
  let file = join(ROOT, 'bench', 'spin', 'tlb-p4-t3.json'), reduced = false;
  for (let k = 0; k < args.rest.length; k++) {
    const a = args.rest[k];
    if (a === '--reduced') reduced = true;
    else if (a === '-f') file = args.rest[++k] ?? fail('-f needs a scenario file', 2);
    else if (/^tlb-p\d+-t\d+$/.test(a)) file = join(ROOT, 'bench', 'spin', `${a}.json`);
    else fail(`unknown argument ${a} (give tlb-pN-tM, -f FILE or --reduced)`, 2);
  }
  let sc: ScenarioSpec;
  try {
    sc = validateScenario(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    fail(`cannot read scenario ${file}: ${(e as Error).message}`, 2);
  }
  const m = buildModel(sc, []);
  const { result, profile } = await profiled(() => (reduced ? exploreDpor(m) : exploreDfs(m)));
  const parts = byPart(profile);
  const total = parts.reduce((a, p) => a + p.ms, 0);
  const search = reduced ? 'reduced search' : 'full search, one thread';
  const head = `# Profile: ${sc.name}, ${search}\n\n\`npm run bench:profile\` · ${new Date().toISOString()} · node ${process.version} · ${result.stats.states} states, ${result.stats.transitions} transitions in ${result.stats.ms} ms (${result.stats.statesPerSec} states/s) under V8's sampling profiler (200 µs; the profiler slows the run), self time by part.\n\n`;
  const rows = [['part', 'ms', 'share'], ...parts.map((p) => [p.part, p.ms.toFixed(0), `${((p.ms / total) * 100).toFixed(1)} %`])];
  const md = head + markdownTable(rows) + '\n';
  console.log(md);
  writeBenchFiles(args.out, { [reduced ? 'profile-reduced.md' : 'profile.md']: md }, args.write);
}

void main();
