// Owns the progress invariant: no state where some thread has not finished and nothing can move.
// The explorer evaluates it on the state graph (a state with no enabled step); check() is never false.
import type { Invariant } from './invariant';

export const noDeadlock: Invariant = {
  id: 'no-deadlock',
  family: 'progress',
  description: 'no reachable state where some thread has not finished and no thread or hardware actor can take a step',
  appliesTo: () => true,
  check: () => null,
  progress: true,
};

export function deadlockMessage(blocked: { thread: string; op: string; step: string }[]): string {
  return `deadlock: nothing can move; ${blocked.map((b) => `${b.thread} waits at ${b.op} '${b.step}'`).join('; ')}`;
}
