// Pins the CLI's lazy command loading (src/cli/main.ts): a command line naming a command builds only that
// command (and does not load the others' modules); help, a typo or no command builds them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { program } from '../src/cli/main';

const names = (argv?: string[]) => program(argv).commands.map((c) => c.name());
const ALL = ['explore', 'verify', 'list', 'replay', 'fuzz', 'mutate', 'report', 'merge'];

test('a named command builds only that command', () => {
  for (const n of ALL) assert.deepEqual(names(['node', 'iommu-check', n, '--help']), [n]);
});

test('no command, help or a typo builds every command', () => {
  assert.deepEqual(names(), ALL);
  assert.deepEqual(names(['node', 'iommu-check']), ALL);
  assert.deepEqual(names(['node', 'iommu-check', '--help']), ALL);
  assert.deepEqual(names(['node', 'iommu-check', 'help', 'explore']), ALL);
  assert.deepEqual(names(['node', 'iommu-check', 'explor']), ALL);
});

test('explore does not load the fuzzer or fast-check; a typo still gets a suggestion', () => {
  const code = "const M=require('module');const seen=[];const r=M._load;M._load=function(id){seen.push(id);return r.apply(this,arguments)};" +
    "require('ts-node/register');require('./src/cli/main').program(['node','x','explore']);" +
    "process.stdout.write(JSON.stringify(seen.filter((s)=>/fast-check|cli\\/fuzz|\\.\\/fuzz$|\\.\\/mutate$/.test(s))))";
  const r = spawnSync(process.execPath, ['-e', code], { cwd: `${__dirname}/..`, encoding: 'utf8', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
  const t = spawnSync(process.execPath, ['-e', "require('ts-node/register');require('./src/cli/main').main(['node','x','explor'])"],
    { cwd: `${__dirname}/..`, encoding: 'utf8', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' } });
  assert.match(t.stderr, /Did you mean explore\?/);
});
