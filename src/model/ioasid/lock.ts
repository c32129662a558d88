// Owns ioasid_allocator_lock: taken by every IOASID operation, a spinlock (the upstream allocator: the FREE
// notifier chain is atomic and ioasid_free may run in an RCU callback) or, under the variant `ioasid-mutex`
// (IOASID extensions patch 7/10), a mutex; the variants of that policy slot.
import type { Builder } from '../api/builder';
import type { Instr } from '../api/instr';
import type { Ctx } from '../program';
import type { System } from '../system';
import { policyVariants } from '../api/define';

policyVariants([
  { name: 'ioasid-spinlock', slot: 'ioasid_lock', subsystem: 'ioasid', faulty: false, isDefault: true,
    description: 'ioasid_allocator_lock is a spinlock and the notifier chain atomic, so ioasid_free may be called from an RCU callback' },
  { name: 'ioasid-mutex', slot: 'ioasid_lock', subsystem: 'ioasid', faulty: true,
    description: 'ioasid_allocator_lock becomes a mutex (IOASID extensions patch 7/10), so ioasid_free from the SVA mmu_notifier RCU callback sleeps in atomic context' },
]);

const LOCK = 'ioasid_allocator_lock';

/** spin_lock(&ioasid_allocator_lock), or mutex_lock under ioasid-mutex (might_sleep: no-sleep-in-atomic). */
export function allocatorLock(b: Builder, sys: System): Instr {
  const at = (c: Ctx) => c.sys.ias.lock;
  return sys.variants.is('ioasid-mutex') ? b.mutexLock(`mutex_lock(&${LOCK})`, at, LOCK) : b.spinLock(`spin_lock(&${LOCK})`, at, LOCK);
}

export function allocatorUnlock(b: Builder, sys: System): Instr {
  const at = (c: Ctx) => c.sys.ias.lock;
  return sys.variants.is('ioasid-mutex') ? b.mutexUnlock(`mutex_unlock(&${LOCK})`, at, LOCK) : b.spinUnlock(`spin_unlock(&${LOCK})`, at, LOCK);
}
