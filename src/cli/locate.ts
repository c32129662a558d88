// Owns finding where the model defines an operation or a variant, as a source file and line, for SARIF results
// and GitHub annotations: a cheap scan of the model's sources (src/ in a checkout, dist/src/ in an installed
// package) and of the users' modules a counterexample names, for `operation({ name: 'X'`, `variantOf('slot', 'X'`
// and `{ name: 'X', slot: ...` (policy variants). Paths are relative to the package root.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { findVariant } from '../model/variants';
import type { Counterexample } from '../result/format';
import type { SourceRef } from '../report/view';

function packageRoot(): string {
  let dir = __dirname;
  for (let k = 0; k < 6; k++) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && /"name":\s*"iommu-check"/.test(readFileSync(pj, 'utf8'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

function sourceFiles(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext) && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

type Index = Map<string, SourceRef>; // 'operation:X' | 'variant:X' -> where

function scan(file: string, root: string, into: Index): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const rel = isAbsolute(file) && !relative(root, file).startsWith('..') ? relative(root, file) : file;
  const put = (key: string, line: number) => void (into.has(key) || into.set(key, { file: rel.split('\\').join('/'), line }));
  lines.forEach((l, i) => {
    let m = /\bvariantOf\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]/.exec(l);
    if (m) put(`variant:${m[2]}`, i + 1);
    m = /\{\s*name:\s*['"]([^'"]+)['"]\s*,\s*slot:/.exec(l);
    if (m) put(`variant:${m[1]}`, i + 1);
    if (/\b(operation|compositeOperation)\(\s*\{/.test(l)) {
      for (let k = i; k < Math.min(i + 4, lines.length); k++) {
        const n = /\bname:\s*['"]([^'"]+)['"]/.exec(lines[k]);
        if (n) {
          put(`operation:${n[1]}`, i + 1);
          break;
        }
      }
    }
  });
}

let builtIn: Index | undefined;

function builtInIndex(): Index {
  if (builtIn) return builtIn;
  const root = packageRoot();
  builtIn = new Map();
  const ts = sourceFiles(join(root, 'src', 'model'), '.ts');
  for (const f of ts.length ? ts : sourceFiles(join(root, 'dist', 'src', 'model'), '.js')) scan(f, root, builtIn);
  return builtIn;
}

/** The operation a trace step ran ("unmap(domain=0, iova=0, pages=1)" -> "unmap"). */
export function opName(op: string): string {
  return op.replace(/\(.*$/s, '').trim();
}

/**
 * Where the violating step's operation is defined: the last thread step's operation (a hardware actor's steps
 * belong to no operation), at the definition of the run's variant of that operation when one replaces it; then
 * the definitions of the run's other variants.
 */
export function sourcesOf(cx: Counterexample): SourceRef[] {
  const idx = new Map(builtInIndex());
  const root = packageRoot();
  for (const m of cx.modules ?? []) if (existsSync(m.path)) scan(resolve(m.path), root, idx);
  const out: SourceRef[] = [];
  const add = (r: SourceRef | undefined, what: string) => {
    if (r && !out.some((o) => o.file === r.file && o.line === r.line)) out.push({ ...r, what });
  };
  const step = [...cx.trace].reverse().find((t) => t.op !== 'hardware');
  if (step) {
    const op = opName(step.op);
    const v = cx.variants.find((name) => findVariant(name)?.slot === op);
    add(v ? idx.get(`variant:${v}`) : undefined, `variant ${v} of ${op}`);
    add(idx.get(`operation:${op}`), `operation ${op}`);
  }
  for (const v of cx.variants) add(idx.get(`variant:${v}`), `variant ${v}`);
  return out;
}
