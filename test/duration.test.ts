// Tests of the one duration syntax shared by every --time/--budget-like flag (src/cli/parse.ts) and its use by explore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../src/cli/parse';

test('parseDuration accepts plain seconds and number+unit parts, largest unit first', () => {
  assert.equal(parseDuration('90'), 90_000);
  assert.equal(parseDuration('1.5'), 1500);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('2m30s'), 150_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1s500ms'), 1500);
});

test('parseDuration rejects empty, zero, negative, unknown units, misordered or repeated units', () => {
  for (const bad of ['', '0', '0s', '-5', '5x', '10 m', 'm', '30m1h', '1m1m', '1h30', 'abc', '1e3'])
    assert.throws(() => parseDuration(bad), /expected a duration such as 90, 90s, 10m, 1h30m/, bad);
});

const root = join(__dirname, '..');
function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/iommu-check.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('explore --time takes the same syntax as fuzz --time (10m accepted, bad value a one-line usage error)', () => {
  const ok = cli('explore', 'flush-queue-iova-reuse', '--time', '10m', '-q', '--out', mkdtempSync(join(tmpdir(), 'iommu-check-')));
  assert.equal(ok.code, 0, ok.err);
  const bad = cli('explore', 'flush-queue-iova-reuse', '--time', '10q', '-q');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--time.*expected a duration such as 90, 90s, 10m, 1h30m/);
  assert.doesNotMatch(bad.err, /\n\s+at /);
});
