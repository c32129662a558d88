// Owns no-data-race, as KCSAN would report it: no reachable state in which two threads' next steps access the
// same plain field, at least one of them writing (the classic definition for sequentially consistent
// executions). Each thread's next step is run on a copy with the world recording its slots (granularity.ts).
import type { Invariant } from './invariant';
import type { Model } from '../model/model';
import { auditStep } from '../model/granularity';
import { lockHeldBy } from '../model/api/lockword';
import { LOCALS } from '../model/system';

interface Access {
  t: number;
  reads: number[];
  writes: number[];
}

/** Steps of these kinds touch only atomic fields and lock words (the granularity rule checks it). */
const MARKED = new Set(['lock', 'unlock', 'rmw', 'none']);

export const noDataRace: Invariant = {
  id: 'no-data-race',
  family: 'race',
  description: 'no state in which two threads are about to access the same plain field, at least one writing (a data race, as KCSAN reports it)',
  appliesTo: (sys) => sys.threads >= 2,
  check(s: Int32Array, m: Model): string | null {
    const sys = m.sys, L = sys.layout, raw = s.slice(); // slice: the unproxied copy (reads are declared below)
    const acc: Access[] = [];
    for (let t = 0; t < sys.threads; t++) {
      // the invariant depends on where each thread is and on its locals: read them through s
      void s[sys.opIndex(t)];
      void s[sys.stepIndex(t)];
      for (let k = 0; k < LOCALS; k++) void s[sys.local(t, k)];
      const cur = m.currentStep(raw, t);
      if (!cur || cur.step.hardware || MARKED.has(cur.step.access ?? 'one')) continue;
      if (!m.evalEnabled(raw, t)) continue;
      const a = auditStep(m, raw, t, 0);
      const reads = a.reads.filter((i) => L.accessClass(i) === 'plain');
      const writes = a.writes.filter((i) => L.accessClass(i) === 'plain');
      for (const i of [...a.reads, ...a.writes]) void s[i];
      if (reads.length || writes.length) acc.push({ t, reads, writes });
    }
    for (let x = 0; x < acc.length; x++)
      for (let y = x + 1; y < acc.length; y++) {
        const slot = conflict(acc[x], acc[y]);
        if (slot >= 0) return describeRace(m, raw, acc[x], acc[y], slot);
      }
    return null;
  },
};

function conflict(a: Access, b: Access): number {
  for (const w of a.writes) if (b.writes.includes(w) || b.reads.includes(w)) return w;
  for (const w of b.writes) if (a.reads.includes(w)) return w;
  return -1;
}

function describeRace(m: Model, s: Int32Array, a: Access, b: Access, slot: number): string {
  const field = m.sys.layout.slotNames[slot];
  const side = (x: Access) => {
    const cur = m.currentStep(s, x.t)!;
    const how = x.writes.includes(slot) ? 'writes' : 'reads';
    const held = locksHeld(m, s, x.t);
    return `${m.sys.threadName(x.t)} ${how} it in ${cur.op.text} at '${cur.step.label}' (holding ${held.length ? held.join(', ') : 'no lock'})`;
  };
  return `data race on ${field}: ${side(a)}, while ${side(b)}`;
}

/** The lock words thread t holds in s, by name. */
export function locksHeld(m: Model, s: Int32Array, t: number): string[] {
  const L = m.sys.layout, out: string[] = [];
  for (let i = 0; i < L.size; i++) if (L.accessClass(i) === 'lock' && lockHeldBy(s[i], t)) out.push(L.slotNames[i]);
  return out;
}
