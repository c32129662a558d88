// Owns the invariants of SVA: process address spaces (mm) bound to devices through SVA domains.
import type { Invariant } from './invariant';

export const svaInvariants: Invariant[] = [];
