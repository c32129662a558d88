// Owns the formats of saved results: the schedule, the exploration verdict and statistics, the trace step, the
// counterexample file (format name and version) and a job's result record. The explorer and the fuzzer write
// these; src/report/ reads them (it imports from here, never from the explorer).
import type { Violation } from '../model/model';
import type { ScenarioSpec } from '../model/scenario';
import type { ModuleRef } from '../model/origin';

export type { Violation };

/** (actor, choice) pairs, in order: the one artifact that replays a run. */
export type Schedule = [number, number][];

export interface ExploreStats {
  states: number;
  transitions: number;
  maxDepth: number;
  ms: number;
  statesPerSec: number;
  visitedBytes: number;
  /** probability that hash compaction merged two distinct states */
  omission: number;
  /** reduced search: how many runs it took for the invariants' visible objects to stop growing */
  rounds?: number;
}

export interface FoundViolation extends Violation {
  schedule: Schedule;
}

export interface ExploreResult {
  /** clean: the whole state space was explored; bounded: a bound stopped the search first */
  verdict: 'clean' | 'violation' | 'bounded';
  violation?: Violation;
  schedule?: Schedule;
  /** which bound was hit, when verdict is 'bounded' */
  bound?: string;
  /** with collectAll: every distinct violation met (the search then goes on through violating states) */
  violations?: FoundViolation[];
  stats: ExploreStats;
}

/** One field of the state written by a step (or shown as part of a state): raw values and their printed forms. */
export interface FieldChange {
  /** the layout field's name, e.g. 'domain.state' */
  field: string;
  /** the element of an array field (absent for a scalar field), counted across all its dimensions */
  index?: number;
  /** the slot as printed, e.g. 'iotlb[0][1][2]' (added by the trace work) */
  slot?: string;
  from: number;
  to: number;
  /** the values in the domain's words, as the layout field declares it prints ('LIVE', 'held by driver') */
  fromText: string;
  toText: string;
  /** a ghost (bookkeeping) field: hidden unless asked for */
  ghost?: boolean;
}

/** One field's value in a state (the initial state a trace starts from, the violating state). */
export interface FieldValue {
  field: string;
  index?: number;
  /** the slot as printed, e.g. 'iotlb[0][1][2]' */
  slot?: string;
  value: number;
  text: string;
  /** the invariant that failed read this field */
  read?: boolean;
  ghost?: boolean;
}

/** One step of a replayed schedule: its thread, operation, atomic step, changed fields and returned value. */
export interface TraceStep {
  n: number;
  thread: string;
  op: string;
  step: string;
  /** the changes as printed text (ghosts hidden unless asked for) */
  changes: string[];
  /** the same changes as data, ghosts included (marked), for tools */
  diff?: FieldChange[];
  returned?: string;
}

export const COUNTEREXAMPLE_FORMAT = 'iommu-check/counterexample';
/** 2: steps split at shared accesses (issue 10): schedules of version 1 no longer replay */
export const COUNTEREXAMPLE_VERSION = 2;

export interface Counterexample {
  format: typeof COUNTEREXAMPLE_FORMAT;
  version: number;
  scenario: ScenarioSpec;
  variants: string[];
  /** null for a recorded clean run of the same program (corpus cases keep both verdicts) */
  violation: Violation | null;
  schedule: Schedule;
  trace: TraceStep[];
  /** how it was found: explorer strategy or fuzzer seed */
  foundBy?: string;
  /** the invariants that were checked when it was found (absent: all that apply); replay checks the same */
  invariants?: string[];
  /** the scenario's set-up, in words (what ran before the threads: the warm IOTLB, the attached devices) */
  prologue?: string[];
  /** the state the trace starts from: the fields the trace touches */
  initial?: FieldValue[];
  /** the violating state: the fields the trace touched and the invariant read, those read marked */
  final?: FieldValue[];
  /** the users' modules (--load) it needs: its scenario, variants, operations or invariant came from them */
  modules?: ModuleRef[];
}

/** A parallel run (`--workers N`): how the work was split and whether the sequential search decided the job. */
export interface ParallelInfo {
  workers: number;
  /** frontier level and size (the units of work the workers claim) */
  level: number;
  frontier: number;
  /** roots each worker explored, and the ms each spent searching */
  roots: number[];
  workerMs?: number[];
  /** CPU ms each worker thread used: below workerMs when the machine is busy with other work */
  workerCpuMs?: number[];
  /** wall-clock ms of the workers' search (with their cycle checks), and of the check of edges between workers
   * for cycles (the slower worker's share, in parallel, plus the top region's, after) */
  searchMs?: number;
  cycleCheckMs?: number;
  /** edges into states another worker was still below, checked for cycles */
  openEdges?: number;
  /** why the sequential search decided the job, when it did */
  sequential?: string;
  /** log2 of the shared table's slots at the end, and how many times it grew */
  tableLog2?: number;
  tableGrowths?: number;
}

/** A swarm shard (`--shard i/N` of one job): its index and order seed, and where its visited fingerprints are. */
export interface ShardInfo {
  /** 1-based */
  index: number;
  count: number;
  /** the successor-order seed (0: the model's order) */
  seed: number;
  /** the shard's visited fingerprints, relative to the report's folder (merge counts the union) */
  fingerprintsFile?: string;
}

/** The merge of a swarm's shards: how many, which completed (each a proof alone), and the states covered. */
export interface SwarmCoverage {
  shards: number;
  /** indexes of the shards that explored the whole state space */
  complete: number[];
  /** distinct states over all shards (from their fingerprint files; absent when a file was missing) */
  statesUnion?: number;
  /** the shards' states added up (states met by several shards counted again) */
  statesSummed: number;
}

/** What one job (a scenario under a set of variants) produced, as saved and reported. */
export interface JobRecord extends ExploreResult {
  scenario: string;
  variants: string[];
  /** the verdict the job should have: 'clean' for correct variants, an invariant id for a faulty one */
  expect?: string;
  counterexample?: Counterexample;
  /** the counterexample with threads, operations and steps removed while it still fails (when any could be) */
  minimized?: Counterexample;
  /** a swarm shard: which shard, its order seed, its fingerprint file */
  shard?: ShardInfo;
  /** with the automatic choice (the CLI's default): which search ran, and why */
  search?: { ran: 'reduced' | 'full'; why: string };
  /** merged swarm shards: the coverage they reached together */
  swarm?: SwarmCoverage;
  /** a parallel run: workers, work units, and whether the sequential search decided the job */
  parallel?: ParallelInfo;
}

/** Whether a job met the verdict it expected (undefined when it expected none). */
export function metExpectation(r: JobRecord): boolean | undefined {
  if (!r.expect) return undefined;
  if (r.expect === 'clean') return r.verdict === 'clean';
  return r.violation?.invariant === r.expect;
}

/** What a printed counterexample shows: ghost fields (hidden unless asked for). */
export interface TraceTextOptions {
  ghosts?: boolean;
}

/** A trace as text, one line per step, for terminals and Markdown (with ghosts: from the structured diff). */
export function formatTrace(steps: readonly TraceStep[], opts: TraceTextOptions = {}): string[] {
  return steps.map((t) => {
    const ret = t.returned !== undefined ? ` -> ${t.returned}` : '';
    const changes = opts.ghosts && t.diff ? t.diff.map((c) => `${changeName(c)}: ${c.fromText} -> ${c.toText}`) : t.changes;
    const ch = changes.length ? `   [${changes.join('; ')}]` : '';
    return `${String(t.n).padStart(3)}. ${t.thread}: ${t.op} · ${t.step}${ret}${ch}`;
  });
}

/** A field's printed name with its element ('iotlb[0][1][2]'). */
export function changeName(c: FieldChange | FieldValue): string {
  return c.slot ?? (c.index === undefined ? c.field : `${c.field}[${c.index}]`);
}

/** A state's fields as text, one per line; fields the invariant read marked `*`; ghosts only when asked for. */
export function formatState(values: readonly FieldValue[], opts: TraceTextOptions = {}): string[] {
  return values.filter((v) => opts.ghosts || !v.ghost).map((v) => `${v.read ? '  * ' : '    '}${changeName(v)} = ${v.text}`);
}

/** A counterexample as text: its prologue, the state it starts from, the trace, the violating state. */
export function formatCounterexample(cx: Pick<Counterexample, 'trace' | 'prologue' | 'initial' | 'final'>, opts: TraceTextOptions = {}): string[] {
  const out: string[] = [];
  if (cx.prologue?.length) out.push('set-up:', ...cx.prologue.map((l) => `    ${l}`));
  const initial = cx.initial ? formatState(cx.initial, opts) : [];
  if (initial.length) out.push('initial state (the fields the trace touches):', ...initial);
  out.push('trace:', ...formatTrace(cx.trace, opts));
  const final = cx.final ? formatState(cx.final, opts) : [];
  const readGhosts = opts.ghosts ? [] : (cx.final ?? []).filter((v) => v.read && v.ghost);
  if (readGhosts.length) final.push(`    (the invariant also read ${readGhosts.length} ghost field(s): --show-ghosts prints them)`);
  if (final.length) out.push('final state (* = read by the failed invariant):', ...final);
  return out;
}
