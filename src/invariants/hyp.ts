// Owns the invariants of the pKVM-style hypervisor IOMMU and its untrusted host.
import type { Invariant } from './invariant';

export const hypInvariants: Invariant[] = [];
