// Owns the hypervisor's locking and io-pgtable variants (one global lock, per-IOMMU locks, refcounted
// lockless domains, and the bugs of each), what each mode means for a hypercall's locks, and the small
// label-based assembler the hypercalls are written with.
import type { Ctx, StepDef } from '../program';
import type { System } from '../system';
import { defineVariants } from '../variants';
import { domainSlot } from './hyp-state';

defineVariants([
  { name: 'hyp-lock-global', slot: 'hyp_lock', subsystem: 'hyp', faulty: false, isDefault: true,
    description: 'one hypervisor lock serializes every IOMMU hypercall: domain arrays, io-pgtables, command queues, power state' },
  { name: 'hyp-lock-per-iommu', slot: 'hyp_lock', subsystem: 'hyp', faulty: false,
    description: 'a lock per SMMU for its domains, stream table, queue and power; a shared domain\'s slot and io-pgtable under its own domain lock; SMMU locks never nested' },
  { name: 'hyp-lockless-refcount', slot: 'hyp_lock', subsystem: 'hyp', faulty: false,
    description: 'refcounted domains, lockless map/unmap: tables installed by cmpxchg, leaves cleared by xchg, tables reclaimed only at free_domain; queue and power under the SMMU lock' },
  { name: 'hyp-lock-per-iommu-only', slot: 'hyp_lock', subsystem: 'hyp', faulty: true,
    description: 's/&iommu_lock/&iommu->iommu_lock/ while domains are shared across SMMUs: two SMMU locks protect one domain slot and one io-pgtable' },
  { name: 'hyp-lock-per-iommu-nested', slot: 'hyp_lock', subsystem: 'hyp', faulty: true,
    description: 'per-SMMU locks, but unmap of a shared domain keeps its own SMMU lock while taking each other SMMU\'s lock to invalidate there (ABBA)' },
  { name: 'hyp-lockless-trusting-pgtable', slot: 'hyp_lock', subsystem: 'hyp', faulty: true,
    description: 'lockless map/unmap on io-pgtable-arm as the host uses it: it trusts callers not to race on one IOVA (leaf read-then-write, tables freed on block unmap)' },
  { name: 'hyp-lockless-plain-install', slot: 'hyp_lock', subsystem: 'hyp', faulty: true,
    description: 'lockless map installing a new table page with a plain store instead of cmpxchg (io-pgtable-arm before 2c3d273eabe8)' },
  { name: 'hyp-free-checks-refs', slot: 'hyp_free', subsystem: 'hyp', faulty: false, isDefault: true,
    description: 'free_domain fails with -EBUSY unless it drops the last reference (nothing attached, no map/unmap in flight)' },
  { name: 'hyp-free-ignores-refs', slot: 'hyp_free', subsystem: 'hyp', faulty: true,
    description: 'free_domain frees the io-pgtable of a domain whatever its reference count (still attached or in use)' },
  { name: 'hyp-share-atomic', slot: 'hyp_share', subsystem: 'hyp', faulty: false, isDefault: true,
    description: 'map checks that the host owns the page and takes its DMA share in one step under the host stage-2 lock' },
  { name: 'hyp-share-check-then-take', slot: 'hyp_share', subsystem: 'hyp', faulty: true,
    description: 'map checks the page owner, then takes the DMA share in a later step: the host can donate the page in between' },
  { name: 'hyp-power-checked-under-lock', slot: 'hyp_power_check', subsystem: 'hyp', faulty: false, isDefault: true,
    description: 'TLB invalidation reads power_is_off under the lock that power on/off take, and skips a powered-off SMMU' },
  { name: 'hyp-power-checked-unlocked', slot: 'hyp_power_check', subsystem: 'hyp', faulty: true,
    description: 'the TLB-invalidation hypercall reads power_is_off before taking the lock; a racing power-off leaves it queuing commands on a powered-off SMMU' },
]);

export interface HypMode {
  readonly name: string;
  readonly global: boolean;
  readonly lockless: boolean;
  /** io-pgtable-arm trusting its callers: leaf read-then-write, unmap frees the table of a whole block */
  readonly trusting: boolean;
  readonly plainInstall: boolean;
  /** nested SMMU locks in the invalidation of a shared domain */
  readonly nested: boolean;
  /** the lock of a call's domain work outside global mode (null: none); `dom` gives the domain argument */
  domainLock(dom: (c: Ctx) => number): ((c: Ctx) => number) | null;
  /** the lock a call's domain work holds: the global lock, the domain lock, or none */
  phaseLock(dom: (c: Ctx) => number): ((c: Ctx) => number) | null;
  /** what that lock is called in a trace: 'hyp', 'domain' or 'smmu' */
  readonly phaseLockName: string;
}

/** The domain slot a call names: args[0] is always the SMMU, args[at] the domain ID. */
export const slotArg = (at: number) => (c: Ctx): number => domainSlot(c.sys.hyp, c.args[0], c.args[at]);

export function hypMode(sys: System): HypMode {
  const v = sys.variants.of('hyp_lock');
  const h = sys.hyp;
  const global = v === 'hyp-lock-global';
  const lockless = v.startsWith('hyp-lockless');
  const smmuLock = (c: Ctx) => c.sys.hyp.smmuLock(c.args[0]);
  const domainLock = (dom: (c: Ctx) => number) => {
    const domLock = (c: Ctx) => c.sys.hyp.domLock(dom(c));
    if (v === 'hyp-lock-per-iommu' || v === 'hyp-lock-per-iommu-nested') return h.shared ? domLock : smmuLock;
    if (v === 'hyp-lock-per-iommu-only') return smmuLock;
    return null;
  };
  return {
    name: v, global, lockless,
    trusting: !lockless || v === 'hyp-lockless-trusting-pgtable',
    plainInstall: v === 'hyp-lockless-plain-install',
    nested: v === 'hyp-lock-per-iommu-nested',
    domainLock,
    phaseLock: (dom) => (global ? (c: Ctx) => c.sys.hyp.lock : domainLock(dom)),
    phaseLockName: global ? 'hyp' : v === 'hyp-lock-per-iommu-only' || !h.shared ? 'smmu' : 'domain',
  };
}

/** A step list with named positions; a step jumps with `return P.to('out')` (resolved when it runs). */
export class Prog {
  readonly steps: StepDef[] = [];
  private readonly labels = new Map<string, number>();

  get here(): number {
    return this.steps.length;
  }

  mark(name: string): void {
    this.labels.set(name, this.steps.length);
  }

  to(name: string): number {
    const i = this.labels.get(name);
    if (i === undefined) throw new Error(`hypercall jumps to unknown label '${name}'`);
    return i;
  }

  add(...s: StepDef[]): this {
    this.steps.push(...s);
    return this;
  }
}

export function setRet(c: Ctx, v: number): void {
  c.w.set(c.sys.ret(c.t), v);
}

export function getRet(c: Ctx): number {
  return c.w.get(c.sys.ret(c.t));
}

export function local(c: Ctx, k: number): number {
  return c.w.get(c.sys.local(c.t, k));
}

export function setLocal(c: Ctx, k: number, v: number): void {
  c.w.set(c.sys.local(c.t, k), v);
}
