// Owns the operation registry: every API call a thread program may make, across all subsystems.
import type { OpDef } from './program';
import { noteOrigin } from './origin';

const ops = new Map<string, OpDef>();

export function defineOp(def: OpDef): void {
  if (ops.has(def.name)) throw new Error(`operation ${def.name} defined twice`);
  ops.set(def.name, def);
  noteOrigin('operation', def.name);
}

export function findOp(name: string): OpDef | undefined {
  return ops.get(name);
}

export function allOps(): OpDef[] {
  return [...ops.values()];
}
