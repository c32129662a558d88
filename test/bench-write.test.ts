// Tests that the benchmarks write reports/bench/ only when asked (--write): the explorer benchmark run without it
// leaves reports/bench/ as it was, with it (and --out) writes its files there; and every scripts/bench*.ts writes
// files only through scripts/bench-output.ts (no fs write of its own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bench = (...args: string[]) => spawnSync(process.execPath, [join(root, 'dist/scripts/bench.js'), ...args], { cwd: root, encoding: 'utf8' });
const snapshot = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort().map((f) => `${f} ${statSync(join(dir, f)).mtimeMs} ${statSync(join(dir, f)).size}`) : []);

test('npm run bench without --write writes nothing; with --write --out it writes explore.{json,md} there', () => {
  const reports = join(root, 'reports', 'bench');
  const before = snapshot(reports);
  const dry = bench('unmap-racing-dma-with-sync');
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stderr, /not written \(pass --write to write .*explore\.json/);
  assert.deepEqual(snapshot(reports), before);
  const out = mkdtempSync(join(tmpdir(), 'iommu-check-bench-'));
  const wet = bench('unmap-racing-dma-with-sync', '--write', '--out', out);
  assert.equal(wet.status, 0, wet.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['explore.json', 'explore.md']);
  const rows = (JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8')) as { rows: { scenario: string }[] }).rows;
  assert.deepEqual(rows.map((r) => r.scenario), ['unmap-racing-dma-with-sync']);
  assert.deepEqual(snapshot(reports), before);
});

test('every bench script writes only through bench-output.ts (--write)', () => {
  const scripts = readdirSync(join(root, 'scripts')).filter((f) => /^bench.*\.ts$/.test(f) && f !== 'bench-output.ts');
  assert.ok(scripts.length >= 3);
  for (const f of scripts) {
    const text = readFileSync(join(root, 'scripts', f), 'utf8');
    assert.doesNotMatch(text, /\b(writeFileSync|appendFileSync|mkdirSync|createWriteStream|copyFileSync|renameSync)\b/, `${f} writes files itself`);
    if (/writeBenchFiles\(/.test(text)) assert.match(text, /\bwrite\b/, `${f} passes the --write flag`);
  }
});
