// Owns deadlock detection on one state: no enabled step while some thread has not finished.
import type { Model, Violation } from '../model/model';
import { deadlockMessage } from '../invariants/progress';

export function deadlockIn(m: Model, s: Int32Array): Violation | null {
  if (m.done(s)) return null;
  const blocked = [];
  for (let t = 0; t < m.threads; t++) {
    if (m.finished(s, t)) continue;
    const l = m.label(s, t, 0);
    blocked.push(l);
  }
  return { invariant: 'no-deadlock', message: deadlockMessage(blocked) };
}
