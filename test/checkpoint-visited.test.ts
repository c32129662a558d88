// A checkpoint's visited fingerprints written a chunk at a time are the same text as the whole set's base64, in
// the file and as JSON (a run checkpoint), for a table of several chunks and for the parallel search's copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FingerprintTable } from '../src/explorer/fptable';
import { VisitedPairs, visitedText } from '../src/explorer/visitedpairs';
import { toBase64 } from '../src/explorer/packing';
import { writeCheckpoint, type Checkpoint } from '../src/explorer/checkpoint';

/** a table of n fingerprints from a fixed LCG (three chunks and a part for n = 120,000) */
function tableOf(n: number): FingerprintTable {
  const t = new FingerprintTable(6);
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  while (t.size < n) t.addFingerprint(next() | 1, next());
  return t;
}

test('a table of several chunks: the chunks join into the base64 of all its pairs, as text and as JSON', () => {
  const t = tableOf(120_000);
  const whole = toBase64(t.fingerprints());
  const v = VisitedPairs.ofTable(t);
  const chunks = [...v.base64()];
  assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
  assert.equal(chunks.join(''), whole);
  assert.equal(JSON.parse(JSON.stringify({ visited: v })).visited, whole);
  assert.equal(v.states, 120_000);
  assert.deepEqual(v.pairs(), t.fingerprints());
  const copied = VisitedPairs.ofPairs(t.fingerprints());
  assert.equal([...copied.base64()].join(''), whole);
  assert.equal([...visitedText(whole)].join(''), whole, 'a visited set read back as text');
});

test('writeCheckpoint streams the fingerprints last: the file parses to the checkpoint with them as one string', () => {
  const t = tableOf(60_000);
  const c = { format: 'f', stateWords: 3, initial: 'a:b', digest: 'd', states: t.size, visited: VisitedPairs.ofTable(t), stoppedBy: 'memory 1 MB', savedAt: 'now', name: 'é' } as unknown as Checkpoint;
  const file = join(mkdtempSync(join(tmpdir(), 'ckpt-visited-')), 'c.json');
  writeCheckpoint(file, c);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.endsWith('"}\n'));
  const back = JSON.parse(text);
  assert.equal(back.visited, toBase64(t.fingerprints()));
  assert.equal(back.name, 'é');
  assert.equal(back.stoppedBy, 'memory 1 MB');
});
