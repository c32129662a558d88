// Owns no-sleep-in-atomic: no thread takes a sleeping lock (a mutex, an rwsem) in atomic context — under a
// spinlock, or in an RCU callback — read from the core might_sleep bookkeeping (System.sleptInAtomic, sleptOn)
// that the builder's lock primitives keep for every subsystem.
import type { Invariant } from './invariant';

export const noSleepInAtomic: Invariant = {
  id: 'no-sleep-in-atomic',
  family: 'context',
  description: 'no thread takes a sleeping lock (mutex, rwsem) in atomic context: under a spinlock or in an RCU callback (might_sleep)',
  appliesTo: (sys) => sys.threads > 0,
  // interesting: some thread is inside an operation in atomic context (preempt_count raised: under a spinlock,
  // rcu_read_lock, or in an RCU callback), where any lock it takes next must not sleep
  interesting(s, m) {
    for (let t = 0; t < m.sys.threads; t++) if (s[m.sys.preempt(t)] > 0 && s[m.sys.stepIndex(t)] !== 0) return true;
    return false;
  },
  check(s, m) {
    const sys = m.sys, t = s[sys.sleptInAtomic] - 1;
    if (t < 0) return null;
    const slot = s[sys.sleptOn] - 1;
    return `thread ${sys.threadName(t)} took the sleeping lock ${sys.layout.slotNames[slot] ?? '?'} in atomic context (might_sleep)`;
  },
};
