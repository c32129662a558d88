// Owns the invariant registry: every invariant family, and which invariants apply to a system.
import type { Invariant } from './invariant';
import type { System } from '../model/system';
import { UsageError } from '../model/variants';
import { noteOrigin } from '../model/origin';
import { noStaleTlbAfterSync } from './tlb';
import { noDomainFreedWhileAttached } from './lifetime';
import { refcountSane } from './refcount';
import { isolation } from './isolation';
import { noDeadlock } from './progress';
import { noDataRace } from './race';
import { groupInOneDomain } from './groups';
import { noSleepInAtomic } from './context';
import { svaInvariants } from './sva';
import { ioasidInvariants } from './ioasid';
import { hypInvariants } from './hyp';
import { viommuInvariants } from './viommu';

export type { Invariant } from './invariant';

const registry: Invariant[] = [
  noStaleTlbAfterSync, noDomainFreedWhileAttached, refcountSane, isolation, groupInOneDomain, noDeadlock, noDataRace, noSleepInAtomic,
  ...svaInvariants, ...ioasidInvariants, ...hypInvariants, ...viommuInvariants,
];

for (const [k, inv] of registry.entries())
  if (registry.findIndex((r) => r.id === inv.id) !== k) throw new Error(`invariant ${inv.id} defined twice`);

export function defineInvariant(inv: Invariant): void {
  if (registry.some((r) => r.id === inv.id)) throw new Error(`invariant ${inv.id} defined twice`);
  registry.push(inv);
  noteOrigin('invariant', inv.id);
}

export function allInvariants(): readonly Invariant[] {
  return registry;
}

export function checkInvariantNames(names: readonly string[]): void {
  for (const n of names)
    if (!registry.some((r) => r.id === n)) throw new UsageError(`unknown invariant '${n}' (see 'iommu-check list invariants')`);
}

/** The invariants checked on a system: all that apply, or only the named ones. */
export function applicableInvariants(sys: System, only?: readonly string[]): Invariant[] {
  if (only) checkInvariantNames(only);
  return registry.filter((r) => (!only || only.includes(r.id)) && r.appliesTo(sys) && !r.progress);
}
