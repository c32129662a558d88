// The tutorial of docs/modelling.md runs as written: every `npx iommu-check ...   # exit N` line of its shell
// blocks is run with the compiled command from the checkout, in order, and must exit with the code it states;
// and --load refuses bad modules with one line naming the module and the definition (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/iommu-check.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const doc = readFileSync(join(root, 'docs', 'modelling.md'), 'utf8');
const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n'))
  .map((l) => /^npx iommu-check (.*?)\s+# exit (\d)$/.exec(l.trim())).filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ args: m[1].split(/\s+/), exit: Number(m[2]) }));

test('the tutorial shows its commands with their exit codes', () => {
  assert.ok(commands.length >= 4, `${commands.length} commands`);
  assert.ok(commands.some((c) => c.exit === 1) && commands.some((c) => c.exit === 0));
});

test('every command of the tutorial runs as written and exits as it says', (t) => {
  rmSync(join(root, 'reports', 'tutorial'), { recursive: true, force: true });
  for (const c of commands) {
    const r = cli(c.args);
    t.diagnostic(`${c.args.join(' ')} -> ${r.code}`);
    assert.equal(r.code, c.exit, `${c.args.join(' ')}\n${r.out.slice(-2000)}\n${r.err}`);
  }
  const cx = JSON.parse(readFileSync(join(root, 'reports/tutorial/counterexamples/speculative-walk-racing-unmap--tlbi-before-clear.min.json'), 'utf8'));
  assert.equal(cx.violation.invariant, 'no-stale-tlb-after-sync');
  assert.equal(cx.modules.length, 1);
  assert.match(cx.modules[0].path, /examples[/\\]tlbi-before-clear\.ts$/);
  // without the module, the counterexample says which one it needs
  const bare = cli(['replay', 'reports/tutorial/counterexamples/speculative-walk-racing-unmap--tlbi-before-clear.min.json']);
  assert.equal(bare.code, 2);
  assert.match(bare.err, /recorded with module .*tlbi-before-clear\.ts .*: replay it with --load/);
});

const bad: [string, string, RegExp][] = [
  ['unknown-op.ts', "variantOf('no_such_op', 'x', { faulty: true, description: 'd', steps: () => [] });", /variant x: unknown operation 'no_such_op'/],
  ['duplicate.ts', "variantOf('domain_free', 'free-ignores-attach-count', { faulty: true, description: 'd', steps: (b) => [b.done()] });", /variant free-ignores-attach-count defined twice/],
  ['coarse.ts', "variantOf('domain_free', 'coarse', { faulty: true, description: 'd', steps: (b) => [b.step('all at once', (c) => { c.w.set(c.sys.dom.state(0), c.w.get(c.sys.dom.refs(0)) ? 1 : 2); })] });",
    /variant coarse on .*: 'domain_free · all at once' \(declared one\) makes 2 shared accesses/],
  ['bad-scenario.ts', "defineScenario({ name: 'mine', description: 'x', instances: [0], devices: [{ instance: 0, group: 0 }], domains: [{ owner: 0 }], pages: 1, phys: 1, threads: [{ name: 'a', ops: [['domain_free', 0]] }], catches: [{ variant: 'nope', invariant: 'isolation' }] });",
    /scenario mine.catches\[0\]: unknown variant 'nope'/],
  ['faulty-alternative.ts', "defineScenario({ name: 'mine', description: 'x', instances: [0], devices: [{ instance: 0, group: 0 }], domains: [{ owner: 0 }], pages: 1, phys: 1, threads: [{ name: 'a', ops: [['domain_free', 0]] }], alternatives: [['free-ignores-attach-count']] });",
    /scenario mine.alternatives\[0\]: 'free-ignores-attach-count' is a faulty variant, not a correct alternative/],
  ['twin-threads.ts', "defineScenario({ name: 'mine', description: 'x', instances: [0], devices: [{ instance: 0, group: 0 }], domains: [{ owner: 0 }], pages: 1, phys: 1, threads: [{ name: 'a', ops: [] }, { name: 'a', ops: [] }] });",
    /two threads are named 'a'/],
];

for (const [file, body, want] of bad) {
  test(`--load refuses ${file} with one line naming it (exit 2)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'iommu-check-mod-'));
    const path = join(dir, file);
    writeFileSync(path, `import { variantOf, defineScenario } from 'iommu-check/api';\nvoid variantOf; void defineScenario;\n${body}\n`);
    const r = cli(['list', 'variants', '--load', path]);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.ok(r.err.includes(path), r.err);
    assert.match(r.err, want);
  });
}

test('a loaded scenario is listed and explored like a built-in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iommu-check-mod-'));
  const path = join(dir, 'scenario.js');
  writeFileSync(path, `const { defineScenario } = require('iommu-check/api');
defineScenario({ name: 'my-two-frees', description: 'two frees of one domain', instances: [0], devices: [{ instance: 0, group: 0 }],
  domains: [{ owner: 0 }], pages: 1, phys: 1, threads: [{ name: 'a', ops: [['domain_free', 0]] }, { name: 'b', ops: [['domain_free', 0]] }] });
`);
  const l = cli(['list', 'scenarios', '--load', path]);
  assert.equal(l.code, 0, l.err);
  assert.match(l.out, /my-two-frees/);
  const out = mkdtempSync(join(tmpdir(), 'iommu-check-out-'));
  const e = cli(['explore', 'my-two-frees', '--load', path, '-o', out, '-q']);
  assert.equal(e.code, 0, e.err);
  assert.match(e.out, /my-two-frees\s+default\s+clean/);
});
