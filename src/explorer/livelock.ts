// Owns livelock detection: a cycle in the state graph (found as a depth-first back edge) along which no
// operation completes — only hardware actors move or threads spin — while some thread has not finished.
// Only weakly fair cycles count: every thread or actor enabled in every state of the cycle takes a step in
// it (a cycle that merely starves a runnable thread is a scheduling artefact, not a livelock).
import type { Model, Violation } from '../model/model';

export const LIVELOCK = 'no-livelock';

/**
 * states[k] --steps[k]--> states[k+1], and the last step leads back to states[0].
 * enabled[k]: the actors enabled in states[k].
 */
export function livelockIn(m: Model, states: readonly Int32Array[], steps: readonly [number, number][], enabled: readonly Set<number>[]): Violation | null {
  if (states.length === 0 || m.done(states[0])) return null;
  const moved = new Set(steps.map(([a]) => a));
  for (let a = 0; a < m.actors; a++) {
    if (moved.has(a)) continue;
    if (enabled.every((e) => e.has(a))) return null; // not fair: a runnable actor never runs in the cycle
  }
  // by construction no operation completes along a cycle (op indices only grow); say who goes round
  const who: string[] = [];
  for (const a of [...moved].sort((x, y) => x - y)) {
    const k = steps.findIndex(([b]) => b === a);
    const l = m.label(states[k], a, steps[k][1]);
    who.push(a < m.threads ? `${l.thread} spins in ${l.op} at '${l.step}'` : `${l.thread} keeps running (${l.step})`);
  }
  const waiting: string[] = [];
  for (let t = 0; t < m.threads; t++) {
    if (m.finished(states[0], t) || moved.has(t)) continue;
    const l = m.label(states[0], t, 0);
    waiting.push(`${l.thread} waits at ${l.op} '${l.step}'`);
  }
  return {
    invariant: LIVELOCK,
    message: `livelock: a cycle of ${steps.length} step(s) in which no operation completes; ${[...who, ...waiting].join('; ')}`,
  };
}
