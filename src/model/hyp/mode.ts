// Owns the hypervisor's locking policy (slot hyp_lock): one global lock, per-IOMMU locks, refcounted
// lockless domains, and the bugs of each. A policy cuts across every hypercall, so it stays a slot read by
// the operations; what it means for one call is given here as the locks that call takes.
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Instr } from '../api/instr';
import type { System } from '../system';
import { policyVariants } from '../api/define';
import { domainSlot } from './state';

policyVariants([
  { name: 'hyp-lock-global', slot: 'hyp_lock', subsystem: 'hyp', faulty: false, isDefault: true,
    description: 'one hypervisor lock (iommu_lock) serializes every IOMMU hypercall: domain arrays, io-pgtables, command queues, power state' },
  { name: 'hyp-lock-per-iommu', slot: 'hyp_lock', subsystem: 'hyp', faulty: false,
    description: 'a lock per SMMU (iommu->lock) for its domains, stream table, queue and power; a shared domain\'s slot and io-pgtable under its own domain lock; SMMU locks never nested' },
  { name: 'hyp-lockless-refcount', slot: 'hyp_lock', subsystem: 'hyp', faulty: false,
    description: 'refcounted domains (atomic_t refs; alloc/free under kvm_iommu_domain_lock), lockless map/unmap: tables installed by cmpxchg, leaves cleared by xchg, tables reclaimed only at free_domain; queue and power under the SMMU lock' },
  { name: 'hyp-lock-per-iommu-only', slot: 'hyp_lock', subsystem: 'hyp', faulty: true,
    description: 's/&iommu_lock/&iommu->iommu_lock/ while domains are shared across SMMUs: two SMMU locks protect one domain slot and one io-pgtable' },
  { name: 'hyp-lock-per-iommu-nested', slot: 'hyp_lock', subsystem: 'hyp', faulty: true,
    description: 'per-SMMU locks, but unmap of a shared domain keeps its own SMMU lock while taking each other SMMU\'s lock to invalidate there (ABBA)' },
  { name: 'hyp-lockless-trusting-pgtable', slot: 'hyp_lock', subsystem: 'hyp', faulty: true,
    description: 'lockless map/unmap on io-pgtable-arm as the host uses it: it trusts callers not to race on one IOVA (leaf read-then-write, tables freed on block unmap)' },
  { name: 'hyp-lockless-plain-install', slot: 'hyp_lock', subsystem: 'hyp', faulty: true,
    description: 'lockless map installing a new table page with a plain store instead of cmpxchg (io-pgtable-arm before 2c3d273eabe8)' },
]);

/** A lock word a hypercall takes: its slot, and its name as the hypervisor code spells it. */
export interface HypLock {
  readonly addr: (c: Ctx) => number;
  readonly name: string;
}

export interface HypMode {
  readonly name: string;
  readonly global: boolean;
  /** refcounted domains: atomic refs, map/unmap take no lock */
  readonly lockless: boolean;
  /** io-pgtable-arm trusting its callers: leaf read-then-write, unmap frees the table of a whole block */
  readonly trusting: boolean;
  readonly plainInstall: boolean;
  /** nested SMMU locks in the invalidation of a shared domain */
  readonly nested: boolean;
  /** domain IDs are global (one slot, several SMMUs) */
  readonly shared: boolean;
  /** the lock around a domain's slot and io-pgtable in map/unmap (null: none, lockless) */
  pgtableLock(g: (c: Ctx) => number): HypLock | null;
  /** the lock alloc_domain and free_domain take */
  allocLock(g: (c: Ctx) => number): HypLock;
  /** the lock around an SMMU's stream table, command queue and power state */
  smmuLock(smmu: (c: Ctx) => number): HypLock;
  /**
   * In attach/detach, the lock taken inside the SMMU's for the domain's refcount and state, when the SMMU's
   * lock does not already cover them (a shared domain in the per-IOMMU modes); null otherwise.
   */
  domainRefLock(g: (c: Ctx) => number): HypLock | null;
}

/** The domain slot a call names: the SMMU argument and the domain argument. */
export function slotOf(b: Builder): (c: Ctx) => number {
  const smmu = b.arg('smmu'), dom = b.arg('domain');
  return (c) => domainSlot(c.sys.hyp, smmu(c), dom(c));
}

export function hypMode(sys: System): HypMode {
  const v = sys.variants.of('hyp_lock');
  const shared = sys.hyp.shared;
  const global = v === 'hyp-lock-global';
  const lockless = v.startsWith('hyp-lockless');
  const iommuLock: HypLock = { addr: (c) => c.sys.hyp.lock, name: 'iommu_lock' };
  const smmuLock = (smmu: (c: Ctx) => number): HypLock => (global ? iommuLock : { addr: (c) => c.sys.hyp.smmuLock(smmu(c)), name: 'iommu->lock' });
  const domLock = (g: (c: Ctx) => number): HypLock => ({ addr: (c) => c.sys.hyp.domLock(g(c)), name: 'domain->lock' });
  const ownSmmu = (c: Ctx) => c.args[0];
  const perIommu = v === 'hyp-lock-per-iommu' || v === 'hyp-lock-per-iommu-nested';
  const pgtableLock = (g: (c: Ctx) => number): HypLock | null => {
    if (global) return iommuLock;
    if (perIommu) return shared ? domLock(g) : smmuLock(ownSmmu);
    if (v === 'hyp-lock-per-iommu-only') return smmuLock(ownSmmu);
    return null;
  };
  return {
    name: v, global, lockless, shared,
    trusting: !lockless || v === 'hyp-lockless-trusting-pgtable',
    plainInstall: v === 'hyp-lockless-plain-install',
    nested: v === 'hyp-lock-per-iommu-nested',
    pgtableLock,
    allocLock: (g) => (lockless ? { addr: (c) => c.sys.hyp.domainAllocLock, name: 'kvm_iommu_domain_lock' } : pgtableLock(g)!),
    smmuLock,
    domainRefLock: (g) => (perIommu && shared ? domLock(g) : null),
  };
}

export function lock(b: Builder, l: HypLock): Instr {
  return b.spinLock(`hyp_spin_lock(&${l.name})`, l.addr, l.name);
}

export function unlock(b: Builder, l: HypLock): Instr {
  return b.spinUnlock(`hyp_spin_unlock(&${l.name})`, l.addr, l.name);
}
