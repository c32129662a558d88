// Owns `npm run shards -- <N> <explore|verify> [args...]`: runs the N shards of an explore or verify run
// (`--shard i/N`) as N processes at once, on this machine, as a CI matrix or a Kubernetes Indexed Job would
// run them, then `merge`s their reports. Shard i writes <out>/shard-i/, the merged report goes to <out>/merged/
// (<out>: the run's -o/--out, default reports/shards). Exit: merge's (0, 1), or 2 for bad usage or a shard that failed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const cli = join(__dirname, '..', '..', 'bin', 'iommu-check.js');

function usage(msg: string): never {
  process.stderr.write(`shards: ${msg}\nusage: npm run shards -- <N> <explore|verify> [scenario...] [options...] [-o dir]\n`);
  process.exit(2);
}

/** Runs the CLI with args; resolves with its exit code, its stderr passed through prefixed by the label. */
function runCli(args: string[], label: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (c: Buffer) => process.stderr.write(c.toString().replace(/^(?=.)/gm, `[${label}] `)));
    child.on('close', (code) => resolve(code ?? 2));
  });
}

/** Takes -o/--out out of the arguments. */
function splitOut(args: string[]): { out: string; rest: string[] } {
  const rest: string[] = [];
  let out = join('reports', 'shards');
  for (let k = 0; k < args.length; k++) {
    if (args[k] === '-o' || args[k] === '--out') {
      if (k + 1 >= args.length) usage(`${args[k]} needs a directory`);
      out = args[++k];
    } else if (args[k] === '--shard' || args[k].startsWith('--shard=')) usage('give the shard count as the first argument, not --shard');
    else rest.push(args[k]);
  }
  return { out, rest };
}

async function main(argv: string[]): Promise<void> {
  const [n, command, ...more] = argv;
  const N = Number(n);
  if (!/^\d+$/.test(n ?? '') || N < 1 || N > 256) usage(`the shard count must be 1..256, not '${n ?? ''}'`);
  if (command !== 'explore' && command !== 'verify') usage(`the command must be explore or verify, not '${command ?? ''}'`);
  const { out, rest } = splitOut(more);
  const codes = await Promise.all(Array.from({ length: N }, (_, k) =>
    runCli([command, ...rest, '--shard', `${k + 1}/${N}`, '-o', join(out, `shard-${k + 1}`), '-q'], `shard ${k + 1}/${N}`)));
  const failed = codes.map((c, k) => [c, k + 1]).filter(([c]) => c !== 0 && c !== 1);
  if (failed.length) {
    process.stderr.write(`shards: shard(s) ${failed.map(([c, i]) => `${i}/${N} (exit ${c})`).join(', ')} failed; not merged\n`);
    process.exit(2);
  }
  const reports = Array.from({ length: N }, (_, k) => join(out, `shard-${k + 1}`, `${command}.json`));
  const merged = spawn(process.execPath, [cli, 'merge', ...reports, '-o', join(out, 'merged')], { stdio: 'inherit' });
  merged.on('close', (code) => process.exit(code ?? 2));
}

void main(process.argv.slice(2));
