// Owns `iommu-check merge`: combine the JSON reports of shards into one report. Swarm shards of one job
// (`explore --shard i/N`, swarm.ts): a violation if any shard found one (the lowest shard's is shown), clean if
// some shard explored the whole state space, else clean up to bound, labelled as coverage, not a proof; states
// are the exact union of the shards' fingerprint files; a missing shard is an error naming it (exit 2). Reports of a job partition (`explore|verify --shard i/N` over many jobs, see
// explorer/partition.ts) are combined by checking that shards 1..N of the same job list are all present, once,
// and that together they ran each job exactly once; their jobs are put back in the run's order (states are then
// not double-counted: each job ran on one shard). Exit 1 when a merged job has a violation (for verify: when a
// job did not meet its expectation), else 0.
import { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readFingerprints, unionSize } from '../explorer/swarm';
import { UsageError } from '../model/variants';
import { exitCodeOf } from './exitcodes';
import type { Report, ReportJob } from '../report/report';
import { renderMarkdown } from '../report/markdown';
import { summaryRows, textTable } from '../report/table';
import type { Counterexample } from '../explorer/counterexample';
import { jobKey, positionsOf, type JobPartition } from '../explorer/partition';
import { printErr, printLine } from './print';

function readReport(file: string): Report {
  let r: Report;
  try {
    r = JSON.parse(readFileSync(file, 'utf8')) as Report;
  } catch {
    throw new UsageError(`merge: cannot read report '${file}' (not a JSON file)`);
  }
  if (r?.tool !== 'iommu-check' || !Array.isArray(r.jobs)) throw new UsageError(`merge: '${file}' is not an iommu-check report`);
  return r;
}

const partitionOf = (r: Report): JobPartition | undefined => r.options?.jobPartition as JobPartition | undefined;

/** Combines the reports of the N shards of a job partition into the report of the whole run. */
export function mergePartitions(reports: { file: string; report: Report }[]): Report {
  const first = partitionOf(reports[0].report)!;
  const N = first.count, keys = first.keys;
  const byIndex = new Map<number, { file: string; report: Report }>();
  for (const x of reports) {
    const p = partitionOf(x.report);
    if (!p) throw new UsageError(`merge: '${x.file}' is not a shard of a job partition, unlike '${reports[0].file}'`);
    if (p.count !== N || p.keys.length !== keys.length || p.keys.some((k, i) => k !== keys[i])) throw new UsageError(`merge: '${x.file}' is a shard of a different run than '${reports[0].file}' (other jobs or shard count)`);
    if (byIndex.has(p.index)) throw new UsageError(`merge: shard ${p.index}/${N} given twice ('${byIndex.get(p.index)!.file}' and '${x.file}')`);
    byIndex.set(p.index, x);
  }
  const missing = [];
  for (let i = 1; i <= N; i++) if (!byIndex.has(i)) missing.push(`${i}/${N}`);
  if (missing.length) throw new UsageError(`merge: missing shard(s) ${missing.join(', ')} of the job partition`);
  const jobs: ReportJob[] = new Array(keys.length);
  for (const [i, { file, report }] of byIndex) {
    const at = positionsOf(i, N, keys.length);
    const interrupted = report.jobs.length < at.length && report.jobs.some((j) => j.bound === 'interrupted');
    if (report.jobs.length !== at.length && !interrupted) throw new UsageError(`merge: '${file}' (shard ${i}/${N}) has ${report.jobs.length} job(s), the partition gives it ${at.length}`);
    report.jobs.forEach((j, k) => {
      if (jobKey(j) !== keys[at[k]]) throw new UsageError(`merge: '${file}' (shard ${i}/${N}): job ${k + 1} is ${jobKey(j)}, the partition gives it ${keys[at[k]]}`);
      jobs[at[k]] = j;
    });
  }
  const notRun = keys.filter((_, k) => !jobs[k]);
  if (notRun.length) throw new UsageError(`merge: ${notRun.length} job(s) not run (a shard was interrupted): ${notRun.slice(0, 3).join(', ')}${notRun.length > 3 ? ', ...' : ''}`);
  const states = jobs.reduce((a, j) => a + j.stats.states, 0);
  const ms = jobs.reduce((a, j) => a + j.stats.ms, 0);
  const command = reports[0].report.command.split(' ')[0];
  return {
    tool: 'iommu-check', command: `merge ${reports.map((r) => r.file).join(' ')}`, startedAt: new Date().toISOString(),
    options: { merged: command, shards: N }, jobs,
    totals: {
      jobs: jobs.length, violations: jobs.filter((j) => j.violation).length, states,
      transitions: jobs.reduce((a, j) => a + j.stats.transitions, 0), ms, statesPerSec: Math.round((states / Math.max(ms, 1)) * 1000),
    },
  };
}

/** Merges the swarm shards of several reports (one group per job); throws a UsageError naming missing or
 * inconsistent shards. States are the exact union of the shards' fingerprint files when all are there. */
export function mergeReports(reports: { file: string; report: Report }[]): Report {
  const groups = new Map<string, { job: ReportJob; file: string }[]>();
  for (const { file, report } of reports) {
    for (const job of report.jobs) {
      if (!job.shard) throw new UsageError(`merge: '${file}': job ${job.scenario} [${job.variants.join('+') || 'default'}] is not a shard (run explore with --shard i/N)`);
      const key = `${job.scenario} [${job.variants.join('+') || 'default'}]`;
      (groups.get(key) ?? groups.set(key, []).get(key)!).push({ job, file });
    }
  }
  const jobs = [...groups].map(([key, list]) => mergeSwarm(key, list));
  const states = jobs.reduce((a, j) => a + j.stats.states, 0);
  const ms = jobs.reduce((a, j) => a + j.stats.ms, 0);
  return {
    tool: 'iommu-check', command: `merge ${reports.map((r) => r.file).join(' ')}`, startedAt: new Date().toISOString(), options: { merged: 'swarm' }, jobs,
    totals: {
      jobs: jobs.length, violations: jobs.filter((j) => j.violation).length, states,
      transitions: jobs.reduce((a, j) => a + j.stats.transitions, 0), ms, statesPerSec: Math.round((states / Math.max(ms, 1)) * 1000),
    },
  };
}

/**
 * One job's swarm: a violation if any shard found one (the lowest shard's), clean if some shard explored the
 * whole state space (a proof alone), else clean up to bound, labelled as coverage, not a proof.
 */
function mergeSwarm(key: string, list: { job: ReportJob; file: string }[]): ReportJob {
  const N = list[0].job.shard!.count;
  if (list.some((x) => x.job.shard!.count !== N)) throw new UsageError(`merge: ${key}: shards of different swarms (${[...new Set(list.map((x) => x.job.shard!.count))].join(' and ')} shards)`);
  const byIndex = new Map<number, { job: ReportJob; file: string }>();
  for (const x of list) {
    if (byIndex.has(x.job.shard!.index)) throw new UsageError(`merge: ${key}: shard ${x.job.shard!.index}/${N} given twice (again in '${x.file}')`);
    byIndex.set(x.job.shard!.index, x);
  }
  const shards = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
  const violating = shards.find((x) => x.job.violation)?.job;
  const missing = [];
  for (let i = 1; i <= N; i++) if (!byIndex.has(i)) missing.push(`${i}/${N}`);
  if (missing.length && !violating) throw new UsageError(`merge: ${key}: missing shard(s) ${missing.join(', ')}`);
  const complete = shards.filter((x) => x.job.verdict === 'clean').map((x) => x.job.shard!.index);
  const summed = shards.reduce((a, x) => a + x.job.stats.states, 0);
  const files = shards.map((x) => x.job.shard!.fingerprintsFile && join(dirname(x.file), x.job.shard!.fingerprintsFile));
  const union = files.every((f) => f && existsSync(f)) ? unionSize(files.map((f) => readFingerprints(f!))) : undefined;
  const states = union ?? summed;
  const ms = Math.max(...shards.map((x) => x.job.stats.ms));
  const { shard: _s, ...base } = violating ?? shards[0].job;
  const merged: ReportJob = {
    ...base,
    verdict: violating ? 'violation' : complete.length ? 'clean' : 'bounded',
    swarm: { shards: N, complete, statesSummed: summed, ...(union !== undefined ? { statesUnion: union } : {}) },
    stats: {
      states, transitions: shards.reduce((a, x) => a + x.job.stats.transitions, 0), maxDepth: Math.max(...shards.map((x) => x.job.stats.maxDepth)),
      ms, statesPerSec: Math.round((states / Math.max(ms, 1)) * 1000), visitedBytes: Math.max(...shards.map((x) => x.job.stats.visitedBytes)),
      omission: Math.max(...shards.map((x) => x.job.stats.omission)),
    },
  };
  delete merged.bound;
  if (!violating && !complete.length) {
    merged.bound = `swarm of ${N}, no shard complete: ${union !== undefined ? `${union} distinct states covered` : `${summed} states summed over shards (a fingerprint file is missing)`}, not a proof`;
  }
  if (!violating) {
    delete merged.violation;
    delete merged.schedule;
    delete merged.counterexampleFile;
  }
  if (merged.expect) merged.asExpected = merged.expect === 'clean' ? merged.verdict === 'clean' : merged.violation?.invariant === merged.expect;
  return merged;
}

function swarmLine(j: ReportJob): string {
  const w = j.swarm;
  if (!w) return `${j.scenario}: not a swarm`;
  const proof = w.complete.length ? `shard(s) ${w.complete.join(', ')} complete: a proof` : 'no shard complete: not a proof';
  return `${j.scenario}: ${w.statesUnion ?? '?'} distinct of ${w.statesSummed} summed, ${proof}`;
}

export function mergeCommand(): Command {
  return new Command('merge')
    .description('combine the JSON reports of `explore|verify --shard i/N` runs into one report (a job partition, or the swarm of one job: states are the exact union)')
    .argument('<report.json...>', 'explore.json files of the shards')
    .option('-o, --out <dir>', 'where to write merge.json and merge.md', 'reports')
    .action((files: string[], f: { out: string }) => {
      const inputs = files.map((file) => ({ file, report: readReport(file) }));
      const partitioned = inputs.some((x) => partitionOf(x.report));
      const report = partitioned ? mergePartitions(inputs) : mergeReports(inputs);
      // the shards' warnings, once each (a partition's shards each warn of their own jobs)
      const warnings = [...new Set(inputs.flatMap((x) => x.report.warnings ?? []))];
      if (warnings.length) report.warnings = warnings;
      for (const w of warnings) printErr(`warning: ${w}\n`);
      mkdirSync(f.out, { recursive: true });
      const cxs = new Map<string, Counterexample>();
      for (const j of report.jobs) {
        if (j.counterexampleFile && existsSync(j.counterexampleFile)) cxs.set(j.counterexampleFile, JSON.parse(readFileSync(j.counterexampleFile, 'utf8')) as Counterexample);
      }
      const json = join(f.out, 'merge.json'), md = join(f.out, 'merge.md');
      writeFileSync(json, JSON.stringify(report, null, 1) + '\n');
      writeFileSync(md, renderMarkdown(report, cxs));
      printLine(textTable(summaryRows(report.jobs)));
      printLine(partitioned
        ? `\nmerged ${files.length} shard(s) of a job partition: ${report.totals.jobs} job(s), each run once, ${report.totals.violations} violation(s), ${report.totals.states} states`
        : `\nmerged ${files.length} swarm shard report(s): ${report.totals.jobs} job(s), ${report.totals.violations} violation(s), ${report.totals.states} distinct states covered (${report.jobs.map(swarmLine).join('; ')})`);
      printLine(`report: ${md} and ${json}`);
      const verify = report.options.merged === 'verify';
      const undecided = (j: ReportJob) => j.verdict === 'bounded' && !j.violation; // stopped by a bound: exit 4, not 1
      process.exitCode = exitCodeOf(verify ? report.jobs.some((j) => j.asExpected === false && !undecided(j)) : report.totals.violations > 0, report.jobs.some(undecided));
    });
}
