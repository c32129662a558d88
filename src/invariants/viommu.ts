// Owns the invariants of the iommufd-style vIOMMU: virtual device IDs, nested stage-1, guest invalidations.
import type { Invariant } from './invariant';

export const viommuInvariants: Invariant[] = [];
