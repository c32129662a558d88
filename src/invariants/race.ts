// Owns no-data-race, as KCSAN would report it: no reachable state in which two threads' next steps access the
// same plain field, at least one of them writing (the classic definition for sequentially consistent
// executions). The model keeps, per plain slot, which threads' next steps read and write it (System.poisedR/W,
// Model.noteRaceSignature); the check, one atom per plain slot, looks for two of them, one writing, both enabled.
import { atomicInvariant } from './invariant';
import type { Model } from '../model/model';
import { lockHeldBy } from '../model/api/lockword';

export const noDataRace = atomicInvariant({
  id: 'no-data-race',
  family: 'race',
  description: 'no state in which two threads are about to access the same plain field, at least one writing (a data race, as KCSAN reports it)',
  appliesTo: (sys) => sys.threads >= 2 && sys.plainSlots.length > 0,
  // interesting: a thread is about to write a plain field while another thread is inside an operation (took
  // its first step, not yet its last): had the locking a hole, the other could be poised on that field too. Two
  // threads poised on one field, one writing, is itself only reached by a bug (correct locking keeps the second
  // at its lock), so it would never count in a clean campaign.
  interesting(s, m) {
    const sys = m.sys;
    let inside = 0;
    for (let t = 0; t < sys.threads; t++) if (s[sys.stepIndex(t)] !== 0 && !m.finished(s, t)) inside |= 1 << t;
    if (inside === 0) return false;
    for (let k = 0; k < sys.plainSlots.length; k++) {
      const w = s[sys.poisedW(k)];
      if (w !== 0 && (inside & ~w) !== 0) return true;
    }
    return false;
  },
  atoms: (m) => m.sys.plainSlots.length,
  checkAtom(s: Int32Array, m: Model, k: number): string | null {
    const writers = s[m.sys.poisedW(k)];
    if (writers === 0) return null;
    const all = writers | s[m.sys.poisedR(k)];
    if ((all & (all - 1)) === 0) return null; // one thread only
    for (let t = 0; t < m.sys.threads; t++) {
      if ((writers & (1 << t)) === 0) continue;
      for (let u = 0; u < m.sys.threads; u++) {
        if (u === t || (all & (1 << u)) === 0) continue;
        if (enabled(m, s, t) && enabled(m, s, u)) return describeRace(m, s.slice(), k, t, u, (writers & (1 << u)) !== 0);
      }
    }
    return null;
  },
});

/** Whether thread t may take its next step in s; what its enabling condition reads is read through s. */
function enabled(m: Model, s: Int32Array, t: number): boolean {
  const raw = s.slice(), w = m.world; // slice: the unproxied copy (its reads are declared below)
  w.audit(true);
  try {
    return m.evalEnabled(raw, t);
  } finally {
    const reads = w.readSlots;
    w.audit(false);
    for (const i of reads) void s[i];
  }
}

function describeRace(m: Model, s: Int32Array, k: number, t: number, u: number, uWrites: boolean): string {
  const field = m.sys.layout.slotNames[m.sys.plainSlots[k]];
  const side = (th: number, writes: boolean) => {
    const cur = m.currentStep(s, th)!;
    const held = locksHeld(m, s, th);
    return `${m.sys.threadName(th)} ${writes ? 'writes' : 'reads'} it in ${cur.op.text} at '${cur.step.label}' (holding ${held.length ? held.join(', ') : 'no lock'})`;
  };
  return `data race on ${field}: ${side(t, true)}, while ${side(u, uWrites)}`;
}

/** The lock words thread t holds in s, by name. */
export function locksHeld(m: Model, s: Int32Array, t: number): string[] {
  const L = m.sys.layout, out: string[] = [];
  for (let i = 0; i < L.size; i++) if (L.accessClass(i) === 'lock' && lockHeldBy(s[i], t)) out.push(L.slotNames[i]);
  return out;
}
