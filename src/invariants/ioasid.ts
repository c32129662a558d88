// Owns the invariants of the IOASID (PASID) allocator: capacity, sets with quotas, notifiers.
import type { Invariant } from './invariant';

export const ioasidInvariants: Invariant[] = [];
