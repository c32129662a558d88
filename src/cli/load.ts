// Owns `--load FILE`: loading users' modules (.js, or .ts through ts-node) written with the modelling API
// (model/usermodules.ts requires them), noting each definition's module (path and content hash), and checking what
// they defined before anything runs: a bad definition — an unknown operation, a duplicate name, a scenario naming an unknown variant, a step
// breaking the granularity rule — is one line naming the module and the definition (exit 2).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve, extname } from 'node:path';
import { UsageError, findVariant } from '../model/variants';
import { definitionsOf, loadingFrom, loadedModules, type ModuleRef } from '../model/origin';
import { allScenarios, findScenario } from '../model/scenarios';
import { buildModel } from '../model/model';
import { granularityError } from '../model/granularity';
import { checkScenarioVariants } from '../model/scenario-variants';
import { canRequireTs, registerTsNode, requireUserModule } from '../model/usermodules';

/** Load each module once; returns the modules now loaded. */
export function loadModules(files: readonly string[]): readonly ModuleRef[] {
  for (const file of files) {
    const path = resolve(file);
    if (loadedModules().some((m) => m.path === path)) continue;
    if (!existsSync(path)) throw new UsageError(`--load ${file}: no such file`);
    const ext = extname(path);
    if (!['.js', '.cjs', '.ts'].includes(ext)) throw new UsageError(`--load ${file}: expected a .js or .ts module`);
    if (ext === '.ts' && !canRequireTs()) {
      try {
        registerTsNode();
      } catch (e) {
        throw new UsageError(`--load ${file}: ${(e as Error).message}`);
      }
    }
    const ref: ModuleRef = { path, sha256: sha256Of(path) };
    try {
      loadingFrom(ref, () => requireUserModule(path));
    } catch (e) {
      throw new UsageError(`--load ${file}: ${firstLine(e)}`);
    }
    check(file, ref);
  }
  return loadedModules();
}

/**
 * A resumed run's modules: the ones its checkpoint (`file`) was taken with, loaded again from where they were when
 * the command line did not load the same content (its sha256) already. Each must be unchanged: the checkpoint's
 * states are of the module as it was.
 */
export function loadRecordedModules(modules: unknown, file: string): void {
  const refs = modules as ModuleRef[];
  if (!Array.isArray(refs) || !refs.every((r) => r && typeof r.path === 'string' && typeof r.sha256 === 'string'))
    throw new UsageError(`--resume: checkpoint '${file}' is corrupt (its list of loaded modules)`);
  for (const ref of refs) {
    if (loadedModules().some((m) => m.sha256 === ref.sha256)) continue; // given with --load (from wherever it is now)
    if (!existsSync(ref.path)) throw new UsageError(`--resume: the checkpoint was taken with --load ${ref.path}, which is gone (give --load with where it is now)`);
    if (sha256Of(ref.path) !== ref.sha256) throw new UsageError(`--resume: ${ref.path} has changed since the checkpoint was taken (its states are of the module as it was): restore it, or start the run again`);
    loadModules([ref.path]);
  }
}

/** A module's content hash, as --load records it. */
function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** What a module defined must make sense: its scenarios build, name known variants, and keep the rule. */
function check(file: string, ref: ModuleRef): void {
  const defs = definitionsOf(ref);
  const mine = (kind: string) => defs.filter((d) => d.startsWith(`${kind}:`)).map((d) => d.slice(kind.length + 1));
  const variants = mine('variant'), scenarios = mine('scenario'), ops = mine('operation');
  for (const name of scenarios) {
    const sc = findScenario(name);
    try {
      checkScenarioVariants(sc);
    } catch (e) {
      throw new UsageError(`--load ${file}: ${firstLine(e)}`);
    }
    try {
      buildModel(sc);
    } catch (e) {
      throw new UsageError(`--load ${file}: scenario ${name}: ${firstLine(e)}`);
    }
  }
  // every step of what the module defined keeps the granularity rule, on the scenarios that call it
  const slots = new Set([...ops, ...variants.map((v) => findVariant(v)!.slot)]);
  for (const sc of allScenarios()) {
    let calls: Set<string>;
    try {
      calls = new Set(buildModel(sc).programs.flat().map((op) => op.def.name));
    } catch {
      continue; // a scenario of another module that this one's definitions do not build with: checked there
    }
    const touched = [...slots].filter((s) => calls.has(s));
    if (touched.length === 0 && !scenarios.includes(sc.name)) continue;
    const runs: string[][] = [[]];
    for (const v of variants) if (touched.includes(findVariant(v)!.slot)) runs.push([v]);
    for (const vs of runs) {
      let m;
      try {
        m = buildModel(sc, vs);
      } catch (e) {
        throw new UsageError(`--load ${file}: ${vs[0] ? `variant ${vs[0]}` : `scenario ${sc.name}`}: ${firstLine(e)}`);
      }
      const err = firstBreach(m, 3000);
      if (err) throw new UsageError(`--load ${file}: ${vs[0] ? `variant ${vs[0]}` : `scenario ${sc.name}`} on ${sc.name}: ${err}`);
    }
  }
}

function firstBreach(m: ReturnType<typeof buildModel>, limit: number): string | null {
  const seen = new Set<string>(), todo = [m.initial()];
  while (todo.length > 0 && seen.size < limit) {
    const s = todo.pop()!, k = s.join(',');
    if (seen.has(k)) continue;
    seen.add(k);
    const l: number[] = [];
    m.steps(s, l);
    for (let j = 0; j < l.length; j += 2) {
      const err = granularityError(m, s, l[j], l[j + 1]);
      if (err) return err;
      todo.push(m.apply(s, l[j], l[j + 1]));
    }
  }
  return null;
}
