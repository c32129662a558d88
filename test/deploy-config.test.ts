// Tests the ready configurations: the GitHub workflows pass a real workflow validator (@action-validator/cli,
// which also rejects a broken copy), the nightly matrix covers shards 1..N of explore and fuzz and merges them;
// the Kubernetes manifests (deploy/k8s/) validate against the Kubernetes schemas (kubernetes-models), the
// shards Job is Indexed, and its pods' script, run here with JOB_COMPLETION_INDEX 0..N-1 and the merge Job's
// script after them, gives the single verify run's verdicts and counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';

const root = join(__dirname, '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'iommu-check-deploy-'));
const validator = join(root, 'node_modules', '.bin', 'action-validator');
const validate = (file: string) => spawnSync(validator, [file], { encoding: 'utf8' });

test('the GitHub workflows pass action-validator; a broken one does not', () => {
  for (const f of ['ci.yml', 'nightly.yml']) {
    const r = validate(join(root, '.github', 'workflows', f));
    assert.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
  }
  const bad = join(tmp(), 'nightly.yml');
  writeFileSync(bad, readFileSync(join(root, '.github', 'workflows', 'nightly.yml'), 'utf8').replace('runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest'));
  assert.notEqual(validate(bad).status, 0, 'the validator rejects an unknown key');
});

test('nightly: explorer and fuzzer matrices over shards 1..N, a merge, HTML/JUnit reports, corpus cache and artifacts', () => {
  const w = parse(readFileSync(join(root, '.github', 'workflows', 'nightly.yml'), 'utf8')) as {
    env: { SHARDS: number }; jobs: Record<string, { needs?: string[]; strategy?: { matrix: { shard: number[] } }; steps: { run?: string; uses?: string; with?: Record<string, string> }[] }>;
  };
  const N = w.env.SHARDS;
  for (const j of ['explore', 'fuzz']) {
    assert.deepEqual(w.jobs[j].strategy!.matrix.shard, Array.from({ length: N }, (_, k) => k + 1), `${j} matrix`);
    assert.ok(w.jobs[j].steps.some((s) => s.run?.includes('--shard ${{ matrix.shard }}/${{ env.SHARDS }}')), `${j} passes its shard`);
  }
  assert.ok(w.jobs.fuzz.steps.some((s) => s.uses?.startsWith('actions/cache/restore') && s.with?.path === 'corpus'), 'corpus restored from a cache');
  assert.deepEqual(w.jobs.merge.needs, ['explore', 'fuzz']);
  const runs = w.jobs.merge.steps.map((s) => s.run ?? '').join('\n');
  assert.match(runs, /iommu-check merge out\/explore-\*\/verify\.json/);
  assert.match(runs, /--format html/);
  assert.match(runs, /--format junit/);
  assert.ok(w.jobs.merge.steps.some((s) => s.uses?.startsWith('actions/upload-artifact')));
  const ci = parse(readFileSync(join(root, '.github', 'workflows', 'ci.yml'), 'utf8')) as { jobs: { test: { steps: { run?: string }[] } } };
  assert.deepEqual(ci.jobs.test.steps.filter((s) => s.run).map((s) => s.run), ['npm ci', 'npm test']);
});

interface K8sDoc { kind: string; spec: { completionMode?: string; completions?: number; template: { spec: { containers: { env?: { name: string; value: string }[]; args: string[] }[] } } } }
const manifests = (file: string) => parseAllDocuments(readFileSync(join(root, 'deploy', 'k8s', file), 'utf8')).map((d) => d.toJSON() as K8sDoc);

test('deploy/k8s: every manifest validates against the Kubernetes schemas; a typo does not', () => {
  const check = (o: K8sDoc) => (o.kind === 'Job' ? new Job(o as never) : new PersistentVolumeClaim(o as never)).validate();
  const docs = [...manifests('shards-job.yaml'), ...manifests('merge-job.yaml')];
  assert.deepEqual(docs.map((d) => d.kind), ['PersistentVolumeClaim', 'Job', 'Job']);
  for (const d of docs) check(d);
  const bad = structuredClone(docs[1]);
  bad.spec.completionMode = 'Indexd';
  assert.throws(() => check(bad), /completionMode/);
});

test('deploy/k8s: the Indexed Job pods map JOB_COMPLETION_INDEX to --shard; the merge Job gives the single run', () => {
  const [, shards] = manifests('shards-job.yaml');
  const [merge] = manifests('merge-job.yaml');
  assert.equal(shards.spec.completionMode, 'Indexed');
  const pod = shards.spec.template.spec.containers[0];
  const N = Number(pod.env!.find((e) => e.name === 'SHARDS')!.value);
  assert.equal(shards.spec.completions, N);
  const dir = tmp(), bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  // the image's `iommu-check`: here, this checkout's command
  writeFileSync(join(bin, 'iommu-check'), `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'bin', 'iommu-check.js')}" "$@"\n`);
  chmodSync(join(bin, 'iommu-check'), 0o755);
  const reports = join(dir, 'reports');
  const sh = (script: string, env: Record<string, string>) => spawnSync('sh', ['-c', script.replaceAll('/reports', reports)], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env } });
  for (let k = 0; k < N; k++) {
    const r = sh(pod.args[0], { JOB_COMPLETION_INDEX: String(k), SHARDS: String(N) });
    assert.equal(r.status, 0, `pod ${k}: ${r.stderr}`);
  }
  const m = sh(merge.spec.template.spec.containers[0].args[0], {});
  assert.equal(m.status, 0, m.stderr);
  const single = spawnSync(process.execPath, [join(root, 'bin', 'iommu-check.js'), 'verify', '-q', '-o', join(dir, 'single')], { encoding: 'utf8' });
  assert.equal(single.status, 0, single.stderr);
  type J = { scenario: string; variants: string[]; verdict: string; asExpected?: boolean; stats: { states: number } };
  const rows = (f: string) => (JSON.parse(readFileSync(f, 'utf8')) as { jobs: J[] }).jobs.map((j) => [j.scenario, j.variants.join('+'), j.verdict, j.asExpected, j.stats.states]);
  assert.deepEqual(rows(join(reports, 'merged', 'merge.json')), rows(join(dir, 'single', 'verify.json')));
});
