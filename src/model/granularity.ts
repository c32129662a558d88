// Owns the granularity rule: a thread step makes at most one access to shared state (a load, a store, one
// atomic read-modify-write, one lock operation, one wait), unless it says why it is atomic. The check runs a
// step with the world recording the slots it touched and compares them with the access the step declares.
import type { Model } from './model';
import type { StepAccess } from './program';

export interface StepAudit {
  /** the slots of shared fields (plain, atomic, lock) the step read and wrote, enabling condition included */
  reads: number[];
  writes: number[];
  next: Int32Array;
}

/** Run (actor, choice) in s recording the shared slots it reads and writes. */
export function auditStep(m: Model, s: Int32Array, actor: number, choice: number): StepAudit {
  const w = m.world, L = m.sys.layout;
  w.audit(true);
  try {
    if (actor < m.threads) m.evalEnabled(s, actor);
    const next = m.apply(s, actor, choice);
    const reads = [...new Set(w.readSlots.filter((i) => L.isShared(i)))];
    const writes = [...new Set(w.writeSlots.filter((i) => L.isShared(i)))];
    return { reads, writes, next };
  } finally {
    w.audit(false);
  }
}

/** The declared access of actor's next step in s, and the reason it is atomic if it says one. */
export function declaredAccess(m: Model, s: Int32Array, actor: number): { access: StepAccess; atomic?: string; where: string } {
  if (actor >= m.threads) {
    const a = m.sys.actors[actor - m.threads];
    return { access: a.atomic ? 'atomic' : 'one', atomic: a.atomic, where: `actor ${a.name}` };
  }
  const cur = m.currentStep(s, actor)!;
  return { access: cur.step.access ?? 'one', atomic: cur.step.atomic, where: `${cur.op.def.name} · ${cur.step.label}` };
}

/** null when the step keeps the rule; else what it broke, naming the step and the slots. */
export function granularityError(m: Model, s: Int32Array, actor: number, choice: number): string | null {
  const { access, atomic, where } = declaredAccess(m, s, actor);
  const { reads, writes } = auditStep(m, s, actor, choice);
  const L = m.sys.layout;
  const names = (xs: number[]) => xs.map((i) => L.slotNames[i]).join(', ');
  const touched = [...new Set([...reads, ...writes])];
  const said = `'${where}' (declared ${access})`;
  if (access === 'atomic') return atomic ? null : `${said} is atomic without saying why`;
  if (access === 'none')
    return touched.length ? `${said} touches shared state: reads [${names(reads)}], writes [${names(writes)}]` : null;
  if (touched.length > 1)
    return `${said} makes ${touched.length} shared accesses in one step (reads [${names(reads)}], writes [${names(writes)}]): split it at each access, or mark it atomic with its reason`;
  if (touched.length === 0) return null;
  const slot = touched[0], cls = L.accessClass(slot), field = L.slotNames[slot];
  switch (access) {
    case 'load':
    case 'wait':
      return writes.length ? `${said} writes ${field}` : null;
    case 'store':
      return reads.length ? `${said} reads ${field} (a read-modify-write: load it into a local first, or use an atomic)` : null;
    case 'rmw':
      return cls === 'plain' ? `${said} is an atomic read-modify-write of plain field ${field} (declare the field atomic, or load and store it)` : null;
    case 'lock':
    case 'unlock':
      return cls !== 'lock' ? `${said} is a lock operation on ${field}, which is not declared a lock` : null;
    case 'one':
      if (reads.length && writes.length)
        return `${said} reads and writes ${field} in one step: an atomic RMW (use rmw, and declare the field atomic) or a load and a store (two steps)`;
      return null;
  }
}
