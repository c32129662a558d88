// Owns checkpoints of a stopped search: a JSON file holding the job (scenario, variants, invariants), the users'
// modules it was run with (--load: path and sha256, loaded again on --resume), the options that shape the state space, and where to continue: for the full depth-first search, the stack as
// choice indices with the schedule that validates them and the visited fingerprints (base64); for the reduced
// search, its snapshot (dporsnapshot.ts: stack, summaries, round); for the parallel search, its snapshot
// (parallel/snapshot.ts) and the shared table's fingerprints with their done flags. Loading checks all of it against the search it is
// asked to continue and fails with one clear UsageError (exit 2) on a corrupt or mismatched file.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { UsageError } from '../model/variants';
import { validateScenario, type ScenarioSpec } from '../model/scenario';
import type { Model } from '../model/model';
import type { DfsSnapshot } from './dfsresume';
import type { DporSnapshot } from './dporsnapshot';
import type { BfsSnapshot } from './bfssnapshot';
import type { ParallelSnapshot } from './parallel/snapshot';
import { wordsOf } from './packing';
import { VisitedPairs, visitedText } from './visitedpairs';
import { FingerprintTable, fingerprintKey } from './fptable';
import { recordedModules, type ModuleRef } from '../model/origin';

const FORMAT = 'iommu-check-checkpoint/2'; // 2: incremental (Zobrist-style) fingerprints

/** The options that change which states exist or are explored: a resumed run must use the same ones. */
export interface SearchShape {
  maxDepth?: number;
  maxPreemptions?: number;
  maxOpsPerThread?: number;
  deadlock: boolean;
  livelock: boolean;
  shard?: string;
}

export interface Checkpoint {
  format: string;
  scenario: ScenarioSpec;
  variants: string[];
  invariants?: string[];
  shape: SearchShape;
  /** the users' modules (--load) loaded when it was taken: a resumed run loads them again, unchanged */
  modules?: ModuleRef[];
  /** words per state and the initial state's fingerprint: detect a changed model or hash */
  stateWords: number;
  initial: string;
  /** digest of everything above, and of the fingerprints: detects an edited or truncated file */
  digest: string;
  states: number;
  /** which search it continues (absent: the full search) */
  search?: 'reduced' | 'bfs' | 'parallel';
  /** the full search's stack */
  snapshot?: DfsSnapshot;
  /** the visited fingerprints, [a, b] Uint32 pairs, little-endian, base64 (the full search): in a checkpoint just
   * taken, still the search's table, read a chunk at a time when it is written (visitedpairs.ts) */
  visited: string | VisitedPairs;
  /** the reduced search's snapshot */
  reduced?: DporSnapshot;
  /** the breadth-first search's snapshot (its visited fingerprints are in `visited`) */
  bfs?: BfsSnapshot;
  /** the parallel search's snapshot (`visited` holds the shared table's pairs, b with its done flag) */
  parallel?: ParallelSnapshot;
  /** the bound that stopped the run */
  stoppedBy: string;
  savedAt: string;
}

export function shapeOf(o: { maxDepth?: number; maxPreemptions?: number; maxOpsPerThread?: number; deadlock?: boolean; livelock?: boolean; shard?: { index: number; count: number } }): SearchShape {
  const s: SearchShape = { deadlock: o.deadlock !== false, livelock: o.livelock !== false };
  if (o.maxDepth !== undefined) s.maxDepth = o.maxDepth;
  if (o.maxPreemptions !== undefined) s.maxPreemptions = o.maxPreemptions;
  if (o.maxOpsPerThread !== undefined) s.maxOpsPerThread = o.maxOpsPerThread;
  if (o.shard) s.shard = `${o.shard.index}/${o.shard.count}`;
  return s;
}

function digestOf(c: Omit<Checkpoint, 'digest' | 'savedAt' | 'stoppedBy'>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([c.format, c.scenario, c.variants, c.invariants ?? null, c.shape, c.stateWords, c.initial, c.states, c.snapshot]));
  if (c.modules) h.update(JSON.stringify(c.modules));
  for (const text of visitedText(c.visited)) h.update(text);
  if (c.search) h.update(JSON.stringify([c.search, c.reduced ?? c.bfs ?? c.parallel ?? null]));
  return h.digest('hex');
}

type Job = { scenario: ScenarioSpec; variants: string[] };

/** The checkpoint of a job: its model's identity, the search shape, where to continue (`where`), sealed by a digest. */
function seal(m: Model, job: Job, invariants: readonly string[] | undefined, shape: SearchShape,
  visited: { states: number; visited: string | VisitedPairs }, where: Pick<Checkpoint, 'search' | 'snapshot' | 'reduced' | 'bfs' | 'parallel'>, stoppedBy: string): Checkpoint {
  const init = m.initial(), modules = recordedModules();
  const body = {
    format: FORMAT, scenario: job.scenario, variants: job.variants, ...(invariants ? { invariants: [...invariants] } : {}),
    ...(modules.length ? { modules } : {}),
    shape, stateWords: init.length, initial: fingerprintKey(init), ...visited, ...where,
  };
  return { ...body, digest: digestOf(body), stoppedBy, savedAt: new Date().toISOString() };
}

/** A visited table's fingerprints as a checkpoint holds them (read from the table when written). */
function visitedOf(table: FingerprintTable): { states: number; visited: VisitedPairs } {
  return { states: table.size, visited: VisitedPairs.ofTable(table) };
}

export function makeCheckpoint(m: Model, job: Job, invariants: readonly string[] | undefined,
  shape: SearchShape, table: FingerprintTable, snapshot: DfsSnapshot, stoppedBy: string): Checkpoint {
  return seal(m, job, invariants, shape, visitedOf(table), { snapshot }, stoppedBy);
}

/** A checkpoint of the reduced search, stopped with this snapshot (its summaries are its visited set). */
export function makeReducedCheckpoint(m: Model, job: Job, invariants: readonly string[] | undefined,
  shape: SearchShape, reduced: DporSnapshot, stoppedBy: string): Checkpoint {
  return seal(m, job, invariants, shape, { states: reduced.states, visited: '' }, { search: 'reduced', reduced }, stoppedBy);
}

/** A checkpoint of the breadth-first search: its queue snapshot and its visited fingerprints. */
export function makeBfsCheckpoint(m: Model, job: Job, invariants: readonly string[] | undefined,
  shape: SearchShape, table: FingerprintTable, bfs: BfsSnapshot, stoppedBy: string): Checkpoint {
  return seal(m, job, invariants, shape, visitedOf(table), { search: 'bfs', bfs }, stoppedBy);
}

/** A checkpoint of the parallel search: its snapshot and the shared table's pairs (done flags kept). */
export function makeParallelCheckpoint(m: Model, job: Job, invariants: readonly string[] | undefined,
  shape: SearchShape, visited: Uint32Array, parallel: ParallelSnapshot, stoppedBy: string): Checkpoint {
  return seal(m, job, invariants, shape, { states: visited.length / 2, visited: VisitedPairs.ofPairs(visited) }, { search: 'parallel', parallel }, stoppedBy);
}

/** The shared table's pairs of a parallel search's checkpoint, after checking it belongs to this model and shape. */
export function restoreSharedPairs(c: Checkpoint, m: Model, shape: SearchShape): Uint32Array {
  checkBelongs(c, m, shape);
  return pairsOf(c);
}

/** A checkpoint's visited pairs, checked against its count of states. */
function pairsOf(c: Checkpoint): Uint32Array {
  if (typeof c.visited !== 'string') return c.visited.pairs();
  const buf = Buffer.from(c.visited, 'base64');
  if (buf.length !== c.states * 8) throw new UsageError(`--resume: checkpoint holds ${buf.length / 8} fingerprints, expected ${c.states}`);
  return wordsOf('u32', buf, 2 * c.states, 'the visited fingerprints');
}

/** Writes the checkpoint as one line of JSON, its visited fingerprints last and a chunk at a time: the text of
 * the rest ends in `"visited":""}`, the fingerprints go between those quotes. */
export function writeCheckpoint(file: string, c: Checkpoint): void {
  const { visited, ...rest } = c;
  const head = JSON.stringify({ ...rest, visited: '' });
  const fd = openSync(file, 'w');
  try {
    writeAll(fd, head.slice(0, -2));
    for (const text of visitedText(visited)) writeAll(fd, text);
    writeAll(fd, '"}\n');
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
}

/** Loads the users' modules a checkpoint was taken with (cli/load.ts: each unchanged), before its scenario is read. */
export type LoadRecorded = (modules: readonly ModuleRef[], file: string) => void;

/** Reads and checks a checkpoint file's own consistency (not yet against a model); `load` loads its modules. */
export function readCheckpoint(file: string, load?: LoadRecorded): Checkpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--resume: cannot read checkpoint '${file}'`);
  }
  let c: Checkpoint;
  try {
    c = JSON.parse(text) as Checkpoint;
  } catch {
    throw new UsageError(`--resume: '${file}' is not a checkpoint (not JSON)`);
  }
  return checkedCheckpoint(c, file, load);
}

/** Checks a parsed checkpoint's own consistency (`file` names where it came from in the errors). */
export function checkedCheckpoint(c: Checkpoint, file: string, load?: LoadRecorded): Checkpoint {
  if (!c || typeof c !== 'object' || c.format !== FORMAT) throw new UsageError(`--resume: '${file}' is not an ${FORMAT} file (or one written by another version)`);
  const { digest, savedAt: _s, stoppedBy: _b, ...body } = c;
  const resumable = c.search === 'reduced' ? !!c.reduced && Array.isArray(c.reduced.frames)
    : c.search === 'bfs' ? !!c.bfs && typeof c.bfs.frontier === 'string'
    : c.search === 'parallel' ? !!c.parallel && Array.isArray(c.parallel.stacks) : !!c.snapshot && Array.isArray(c.snapshot.next);
  if ((typeof c.visited !== 'string' && !(c.visited instanceof VisitedPairs)) || !resumable || digest !== digestOf(body)) {
    throw new UsageError(`--resume: checkpoint '${file}' is corrupt (its digest does not match its content)`);
  }
  if (c.modules && load) load(c.modules, file);
  try {
    c.scenario = validateScenario(c.scenario);
  } catch (e) {
    throw new UsageError(`--resume: checkpoint '${file}' holds an invalid scenario: ${(e as Error).message}`);
  }
  return c;
}

/** Checks that a checkpoint belongs to this model and search shape. */
export function checkBelongs(c: Checkpoint, m: Model, shape: SearchShape): void {
  const init = m.initial();
  const want = JSON.stringify(shape), have = JSON.stringify(c.shape);
  if (want !== have) throw new UsageError(`--resume: the checkpoint was taken with search options ${have}, this run has ${want}`);
  if (init.length !== c.stateWords || fingerprintKey(init) !== c.initial) {
    throw new UsageError('--resume: the checkpoint was taken with a different model (state layout or hash changed)');
  }
}

/** The visited table of a full search's checkpoint, after checking that it belongs to this model and search shape. */
export function restoreTable(c: Checkpoint, m: Model, shape: SearchShape): FingerprintTable {
  checkBelongs(c, m, shape);
  return FingerprintTable.from(pairsOf(c));
}
