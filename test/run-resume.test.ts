// Tests resuming whole runs, on real child processes: explore and verify over several jobs, fuzz, mutate and nightly are
// stopped by SIGINT once under way, leave a run checkpoint (checkpoints/<command>.ckpt.json), and `--resume`
// of it ends with the report of the same run left uninterrupted (jobs, verdicts, states and transitions; fuzz's
// runs, coverage and finding; mutate's outcomes; nightly's jobs, campaigns and new cases). Corrupt, foreign and
// overridden checkpoints are usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bin = join(root, 'bin', 'iommu-check.js');
const spin = (f: string) => join(root, 'bench', 'spin', f);
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-run-resume-'));

interface Ended { code: number | null; stdout: string; stderr: string }

/** Runs the CLI (or another script) to its end; with `ready`, sends SIGINT once `ready` shows on stderr (the run
 * is under way). */
function cli(args: string[], ready?: RegExp, script = bin): Promise<Ended> {
  const child = spawn(process.execPath, [script, ...args], { cwd: root });
  let stdout = '', stderr = '', sent = false;
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => {
    stderr += c;
    if (ready && !sent && ready.test(stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  return new Promise((res) => child.on('close', (code) => res({ code, stdout, stderr })));
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** What must not change between an uninterrupted and a resumed run of explore or verify, job by job. */
const jobsOf = (report: { jobs: Record<string, never>[] }) => report.jobs.map((j: Record<string, any>) =>
  [j.scenario, j.variants, j.expect, j.verdict, j.bound, j.violation?.invariant, j.stats.states, j.stats.transitions, j.search?.ran, j.asExpected]);

/** Stops `args` once `ready` shows, checks the run checkpoint, resumes it; returns the stopped, the resumed runs and their folders. */
async function stopAndResume(command: string, args: string[], ready: RegExp, stoppedCode: number | ((out: string) => number), resumeArgs = ['-q']) {
  const stoppedOut = tmp(), resumedOut = tmp();
  const stopped = await cli([command, ...args, '-o', stoppedOut], ready);
  assert.equal(stopped.code, typeof stoppedCode === 'number' ? stoppedCode : stoppedCode(stoppedOut), stopped.stdout + stopped.stderr);
  const ckpt = join(stoppedOut, 'checkpoints', `${command}.ckpt.json`);
  assert.ok(existsSync(ckpt), `${ckpt} written:\n${stopped.stderr}`);
  assert.match(stopped.stderr, new RegExp(`continue with: iommu-check ${command} --resume `));
  const resumed = await cli([command, '--resume', ckpt, ...resumeArgs, '-o', resumedOut]);
  return { ckpt, stopped, stoppedOut, resumed, resumedOut };
}

// four jobs: two small ones, a large one bounded by --max-states (stopped in it), a small one after it; the large
// one runs for seconds, so that its progress line (once a second) shows and the signal lands in it
const EXPLORE = ['unmap-racing-dma-with-sync', '-f', spin('tlb-p5-t3.json'), '-f', spin('tlb-p3-t2.json'), '--max-states', '1000000'];
/** the progress line of the large job (the small ones end below 2,000 states) */
const IN_LARGE_JOB = /[1-9]\d{4,} states, \d+ states\/s/;

let exploreCheckpoint = '';

test('explore over four jobs: SIGINT in the third leaves a run checkpoint; --resume ends with the uninterrupted report', async () => {
  const wholeOut = tmp();
  const whole = await cli(['explore', ...EXPLORE, '-q', '-o', wholeOut]);
  assert.equal(whole.code, 4, 'bounded by --max-states');
  const r = await stopAndResume('explore', [...EXPLORE, '--progress'], IN_LARGE_JOB, 4);
  exploreCheckpoint = r.ckpt;
  const c = json(r.ckpt);
  assert.equal(c.format, 'iommu-check-run-checkpoint/1');
  assert.equal(c.command, 'explore');
  assert.equal(c.payload.jobs.length, 4);
  assert.equal(c.payload.done.length, 2, 'the two small jobs were done');
  assert.equal(c.payload.left.length, 2);
  assert.match(c.payload.left[0], /^tlb-pml-p5-t3/);
  assert.equal(json(join(r.stoppedOut, 'explore.json')).jobs[2].bound, 'interrupted', 'the partial report shows the job stopped');
  assert.equal(r.resumed.code, whole.code, r.resumed.stdout + r.resumed.stderr);
  const from = c.payload.current.checkpoint ? `, the next from its checkpoint \\(${c.payload.current.checkpoint.states} states\\)` : '';
  assert.match(r.resumed.stderr, new RegExp(`resuming explore: 2 of 4 jobs done${from}`));
  const a = json(join(wholeOut, 'explore.json')), b = json(join(r.resumedOut, 'explore.json'));
  assert.deepEqual(jobsOf(b), jobsOf(a));
  assert.equal(b.totals.states, a.totals.states);
  assert.equal(b.totals.transitions, a.totals.transitions);
  assert.equal(b.command, a.command.replace(/-q -o \S+$/, `--progress -o ${r.stoppedOut}`), 'the report names the run it continues');
});

test('verify over several jobs: SIGINT, then --resume: the same verdicts, expectations and exit code', async () => {
  const args = ['unmap-racing-dma-with-sync', '-f', spin('tlb-p5-t3.json'), '-f', spin('tlb-p3-t2.json'), '--max-states', '800000'];
  const wholeOut = tmp();
  const whole = await cli(['verify', ...args, '-o', wholeOut]);
  assert.equal(whole.code, 4, 'the large job is undecided');
  const r = await stopAndResume('verify', [...args, '--progress'], IN_LARGE_JOB, 4);
  assert.equal(r.resumed.code, whole.code, r.resumed.stdout + r.resumed.stderr);
  assert.match(r.resumed.stderr, new RegExp(`resuming verify: ${json(r.ckpt).payload.done.length} of ${json(r.ckpt).payload.jobs.length} jobs done`));
  assert.deepEqual(jobsOf(json(join(r.resumedOut, 'verify.json'))), jobsOf(json(join(wholeOut, 'verify.json'))));
  const verdictLines = (s: string) => s.split('\n').filter((l) => /^(NOT AS EXPECTED|UNDECIDED)/.test(l));
  assert.deepEqual(verdictLines(r.resumed.stdout), verdictLines(whole.stdout));
});

test('fuzz: SIGINT after a few chunks, then --resume: the same runs, coverage and finding as the uninterrupted campaign', async () => {
  // seed 2 finds fq-reuse-before-flush after 2,086 runs (about 3 s)
  const args = ['flush-queue-iova-reuse', '-v', 'fq-reuse-before-flush', '--seed', '2', '--runs', '3000'];
  const wholeOut = tmp();
  const whole = await cli(['fuzz', ...args, '-q', '-o', wholeOut]);
  assert.equal(whole.code, 1, 'a violation found');
  // a stopped campaign exits 0 (fuzz never proves anything; signals.test.ts) and says how to go on
  const r = await stopAndResume('fuzz', [...args, '--progress'], /fuzz: [1-9]00 runs/, 0, ['--progress']);
  const c = json(r.ckpt);
  assert.match(r.resumed.stderr, new RegExp(`resumed after ${c.payload.state.runs} runs\\n(fuzz: ${c.payload.state.runs + 100} runs)?`));
  assert.match(r.resumed.stderr, new RegExp(`\\nfuzz: ${c.payload.state.runs + 100} runs, `), 'the first chunk it runs is the next one');
  assert.ok(c.payload.state.runs >= 100 && c.payload.state.runs < 2086, `stopped after ${c.payload.state.runs} runs`);
  assert.equal(c.payload.state.chunk, c.payload.state.runs / 100, 'stopped between chunks');
  assert.equal(r.resumed.code, whole.code, r.resumed.stdout + r.resumed.stderr);
  const a = json(join(wholeOut, 'fuzz.json')), b = json(join(r.resumedOut, 'fuzz.json'));
  const exact = (f: Record<string, any>) => {
    const { msToFind: _m, shrinkMs: _s, counterexampleFile: _f, ...finding } = f.finding;
    const { stepsPerSec: _p, ...coverage } = f.coverage;
    return { runs: f.runs, invalid: f.invalid, truncated: f.truncated, stoppedBy: f.stoppedBy, seed: f.seed, finding, coverage };
  };
  assert.deepEqual(exact(b), exact(a));
  assert.equal(b.finding.runsToFind, 2086);
  const cx = (o: Record<string, any>) => readFileSync(o.finding.counterexampleFile, 'utf8');
  assert.equal(cx(b), cx(a), 'the same minimized counterexample');
});

test('mutate: SIGINT after a few mutants, then --resume runs only the rest: the same outcomes as the uninterrupted run', async () => {
  const args = ['flush-queue-iova-reuse', 'two-instances-share-domain', 'bind-racing-unbind-same-mm', 'ioasid-free-racing-bind'];
  const wholeOut = tmp();
  const whole = await cli(['mutate', ...args, '-q', '-o', wholeOut]);
  const a = json(join(wholeOut, 'mutants.json'));
  // stopped, it exits 4, or 1 when the mutants explored so far already miss the goal
  const r = await stopAndResume('mutate', [...args, '--progress'], /mutate: 3\/\d+ /, (out) => (json(join(out, 'mutants.json')).goalMet ? 4 : 1), ['--progress']);
  const c = json(r.ckpt);
  assert.ok(c.payload.done.length >= 3 && c.payload.done.length < c.payload.mutants.length, `${c.payload.done.length} of ${c.payload.mutants.length} done`);
  assert.match(r.resumed.stderr, new RegExp(`${c.payload.done.length} explored before \\(resumed\\)`));
  const first = /mutate: (\d+)\//.exec(r.resumed.stderr);
  assert.equal(Number(first?.[1]), c.payload.done.length + 1, 'the resumed run starts with the first mutant not done');
  assert.equal(r.resumed.code, whole.code);
  const b = json(join(r.resumedOut, 'mutants.json'));
  const outcomes = (m: Record<string, any>) => m.outcomes.map((o: Record<string, any>) => [o.id, o.verdict, o.killedBy, o.bounded, o.reason]);
  assert.deepEqual(outcomes(b), outcomes(a));
  assert.deepEqual(b.totals, a.totals);
  assert.equal(b.interrupted, undefined);
});

test('a corrupt, foreign or overridden run checkpoint is a one-line usage error (exit 2)', async () => {
  assert.ok(exploreCheckpoint, 'the explore test ran first');
  const usage = async (args: string[], message: RegExp) => {
    const r = await cli([...args, '-o', tmp()]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  };
  await usage(['verify', '--resume', exploreCheckpoint], /is the checkpoint of a `explore` run: continue it with `iommu-check explore --resume/);
  await usage(['mutate', '--resume', exploreCheckpoint], /is the checkpoint of a `explore` run/);
  await usage(['explore', '--resume', exploreCheckpoint, '--max-states', '5'], /runs with the run's own options: .*\(not --max-states\)/);
  await usage(['explore', 'two-frees-one-domain', '--resume', exploreCheckpoint], /give no scenario/);
  const edited = join(tmp(), 'edited.json');
  writeFileSync(edited, readFileSync(exploreCheckpoint, 'utf8').replace('"done":[{', '"done":[{"extra":1,'));
  await usage(['explore', '--resume', edited], /is corrupt \(its digest does not match its content\)/);
  // one job's search checkpoint is continued by explore, not by verify
  const one = tmp();
  await cli(['explore', '-f', spin('tlb-p3-t2.json'), '--max-states', '3000', '-q', '-o', one]);
  await usage(['verify', '--resume', join(one, 'checkpoints', 'tlb-pml-p3-t2--default.ckpt.json')], /one job's search checkpoint, not a run checkpoint: continue it with `iommu-check explore --resume/);
});

test('npm run nightly: SIGINT among the fuzz campaigns, then --resume: the same explorer jobs, campaigns and new cases', async () => {
  const script = join(root, 'dist', 'scripts', 'nightly.js');
  const nightly = (args: string[], ready?: RegExp): Promise<Ended> => cli(args, ready, script);
  const args = ['--fuzz-runs', '2', '--max-states', '100', '--seed', '7', '--no-corpus']; // about 3 s
  const wholeOut = tmp(), stoppedOut = tmp(), resumedOut = tmp();
  const whole = await nightly([...args, '-o', wholeOut]);
  const stopped = await nightly([...args, '-o', stoppedOut], /(nightly: fuzz .*\n){3}/);
  const ckpt = join(stoppedOut, 'checkpoints', 'nightly.ckpt.json');
  assert.ok(existsSync(ckpt), stopped.stderr);
  assert.equal(json(join(stoppedOut, 'nightly.json')).interrupted, 'SIGINT');
  const c = json(ckpt).payload;
  assert.equal(c.explorer.done.length, c.explorer.jobs, 'stopped after the explorer');
  assert.ok(Object.keys(c.campaigns).length >= 3, `${Object.keys(c.campaigns).length} campaigns done`);
  const resumed = await nightly(['--resume', ckpt, '-o', resumedOut]);
  assert.equal(resumed.code, whole.code, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`resuming: ${c.explorer.jobs} of ${c.explorer.jobs} explorer jobs and ${Object.keys(c.campaigns).length} fuzz campaigns done`));
  const summary = (out: string) => {
    const s = json(join(out, 'nightly.json'));
    return [s.seed, s.explorer.jobs, s.explorer.states, s.explorer.notAsExpected, s.problems, s.interrupted, s.fuzzNeverExercised,
      s.fuzz.map((r: Record<string, any>) => [r.name, r.result.runs, r.result.stoppedBy, r.finding?.invariant, r.finding?.runsToFind, r.finding?.minimized, r.corpus && Object.keys(r.corpus), r.result.coverage.states])];
  };
  assert.deepEqual(summary(resumedOut), summary(wholeOut));
  const cases = (out: string) => readdirSync(join(out, 'new-cases')).map((f) => readFileSync(join(out, 'new-cases', f), 'utf8'));
  assert.deepEqual(cases(resumedOut), cases(wholeOut), 'the same new cases, byte for byte');
});

test('--resume without -o writes to the stopped run\'s own folder (where its checkpoints/ is); -o still wins', async () => {
  const out = tmp(), elsewhere = tmp();
  await cli(['explore', '-f', spin('tlb-p3-t2.json'), '--no-reduction', '--max-states', '3000', '-q', '-o', out]);
  const ckpt = join(out, 'checkpoints', 'tlb-pml-p3-t2--default.ckpt.json');
  assert.equal(json(join(out, 'explore.json')).jobs[0].verdict, 'bounded');
  const resumed = await cli(['explore', '--resume', ckpt, '-q']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(json(join(out, 'explore.json')).jobs[0].verdict, 'clean', 'the report in the run\'s folder is the resumed run\'s');
  const again = await cli(['explore', '--resume', ckpt, '-q', '-o', elsewhere]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(json(join(elsewhere, 'explore.json')).jobs[0].verdict, 'clean');
});
