// Owns the state of SVA: the scenario's `sva` section; the fields of the process address spaces (mm_users,
// mm_count, mm->iommu_mm's PASID, the task's mm pointer and its task_lock), of the global PASID allocator, of
// the SVA domain slots and the per-(mm, instance) list that publishes them, of the devices' PASID-table
// entries and of each thread's bond (its struct iommu_sva handle); each field's access class as the kernel
// accesses it; iommu_sva_lock; and the KASAN-like use-after-free checks (bookkeeping peeks and ghosts).
import type { Index1, Index2, LayoutBuilder } from '../layout';
import type { Ctx } from '../program';
import { defineSubsystem, type System } from '../system';
import type { ScenarioSpec } from '../scenario';
import { fail, int } from '../validate';
import './policy';
import { boolPrinter, countPrinter, idPrinter, lockPrinter } from '../printers';

/** SVA domain slot states; a freed slot is never reused, so a stale pointer to it stays detectable (KASAN quarantine). */
export const SVA_UNUSED = 0;
export const SVA_LIVE = 1;
export const SVA_FREED = 2;

export interface SvaSettings {
  /** process address spaces (mm_struct), each alive with mm_users = mm_count = 1 at start */
  mms: number;
  /** SVA domain slots (allocation fails with -ENOMEM when all were used) */
  domains: number;
  /** size of the PASID space (allocation fails with -ENOSPC when full) */
  pasids: number;
}

export interface SvaFields {
  M: number;
  S: number;
  P: number;
  /** mm_users (atomic_t): references on the address space (the process itself, mmget callers); 0 = torn down */
  mmUsers: Index1;
  /** mm_count (atomic_t): references on the mm_struct (one for all users, one per mmgrab); 0 = released */
  mmCount: Index1;
  /** the task's mm pointer, as 1 once exit_mm set task->mm = NULL (under task_lock) */
  mmExited: Index1;
  /** task_lock(task) of each mm's process (task->alloc_lock, a spinlock) */
  taskLock: Index1;
  /** mm->iommu_mm, standing for its ->pasid: the mm's PASID + 1 (0 = none yet); set at first bind */
  mmPasid: Index1;
  /** the global PASID IDA: the mm owning each PASID, + 1 (0 = free) */
  pasidOwner: Index1;
  /** the slab's view of each SVA domain slot: SVA_UNUSED, SVA_LIVE or SVA_FREED (KASAN peeks it) */
  domState: Index1;
  /** domain->users: the bonds (handles) using the SVA domain */
  domUsers: Index1;
  /** domain->mm, + 1 */
  domMm: Index1;
  /** the IOMMU instance the domain was allocated for (domain->owner's instance), + 1 */
  domInstance: Index1;
  /** the mm's SVA domains, one list position per IOMMU instance: the published domain slot + 1 (0 = none) */
  xa: Index2;
  /** device PASID-table entry for the mm's PASID: the SVA domain slot + 1 the hardware walks (0 = none) */
  devPasid: Index2;
  /** the bond a thread holds (its handle, what its sva_unbind releases): domain slot + 1, device + 1, mm + 1 */
  bondDomain: Index1;
  bondDevice: Index1;
  bondMm: Index1;
  /** iommu_sva_lock (a mutex) */
  lock: number;
  /** ghost: first SVA domain touched after its free, + 1 */
  domainUaf: number;
  /** ghost: first mm touched after its mm_struct was released, + 1 */
  mmUaf: number;
}

declare module '../system' {
  interface System {
    sva: SvaFields;
  }
}

const LIMITS: Record<keyof SvaSettings, [number, number]> = { mms: [1, 4], domains: [1, 6], pasids: [1, 8] };
const DEFAULTS: SvaSettings = { mms: 1, domains: 2, pasids: 2 };
const DOMAIN_STATES = ['UNUSED', 'LIVE', 'FREED'];

/** The scenario's sva section with defaults filled in (all zero when the scenario has none). */
export function svaSettings(sc: ScenarioSpec): SvaSettings {
  const raw = sc.sva as Partial<SvaSettings> | undefined;
  if (raw === undefined) return { mms: 0, domains: 0, pasids: 0 };
  return { ...DEFAULTS, ...raw };
}

defineSubsystem({
  name: 'sva',
  section: 'sva',
  validate(section: unknown, scenario: ScenarioSpec) {
    const where = `${String(scenario.name)}.sva`;
    if (typeof section !== 'object' || section === null || Array.isArray(section))
      fail(where, 'expected an object like {"mms": 1, "domains": 2, "pasids": 2}');
    for (const [key, v] of Object.entries(section)) {
      const lim = LIMITS[key as keyof SvaSettings];
      if (!lim) fail(`${where}.${key}`, `unknown field (known: ${Object.keys(LIMITS).join(', ')})`);
      int(v, `${where}.${key}`, lim[0], lim[1]);
    }
  },
  declare(b: LayoutBuilder, sys: System) {
    const { mms: M, domains: S, pasids: P } = svaSettings(sys.scenario);
    const V = sys.scenario.devices.length, I = sys.scenario.instances.length, T = sys.threads;
    const mm = (m: number) => `mm[${m}]`;
    const dom = (s: number) => `sva-domain[${s}]`;
    sys.sva = {
      M, S, P,
      mmUsers: b.array('mm.users', M, (m) => `${mm(m)}.mm_users`, 1),
      mmCount: b.array('mm.count', M, (m) => `${mm(m)}.mm_count`, 1),
      mmExited: b.array('mm.exited', M, (m) => `task-of-${mm(m)}`),
      taskLock: b.array('task.lock', M, (m) => `task-of-${mm(m)}.alloc_lock`),
      mmPasid: b.array('mm.pasid', M, (m) => `${mm(m)}.iommu_mm`),
      pasidOwner: b.array('pasid.owner', P, () => 'pasid-allocator'),
      domState: b.array('sva.domain.state', S, dom),
      domUsers: b.array('sva.domain.users', S, (s) => `${dom(s)}.users`),
      domMm: b.array('sva.domain.mm', S, dom),
      domInstance: b.array('sva.domain.instance', S, dom),
      xa: b.matrix('sva.xa', M, I, (m, i) => `sva-xarray[${m}][${i}]`),
      devPasid: b.matrix('device.pasid', V, M, (v) => `device[${v}].pasid-table`),
      bondDomain: b.array('thread.bond.domain', M > 0 ? T : 0, (t) => `thread[${t}]`),
      bondDevice: b.array('thread.bond.device', M > 0 ? T : 0, (t) => `thread[${t}]`),
      bondMm: b.array('thread.bond.mm', M > 0 ? T : 0, (t) => `thread[${t}]`),
      lock: M > 0 ? b.scalar('iommu_sva_lock') : -1,
      domainUaf: M > 0 ? b.scalar('ghost.sva.domain_uaf') : -1,
      mmUaf: M > 0 ? b.scalar('ghost.sva.mm_uaf') : -1,
    };
    // atomic_t mm_users / mm_count (mmget, mmput, mmgrab, mmdrop)
    b.access('mm.users', 'atomic');
    b.access('mm.count', 'atomic');
    // mm->iommu_mm: published with smp_store_release under iommu_sva_lock, read locklessly (unbind's
    // domain->mm->iommu_mm before it takes the lock, iommu_sva_get_pasid, mm_pasid_drop in __mmdrop)
    b.access('mm.pasid', 'atomic');
    // the IDA's bitmap, only ever changed inside ida_alloc_range / ida_free under the IDA's own lock
    b.access('pasid.owner', 'atomic');
    // the slab allocator's state of the object: kzalloc/kfree are internally synchronized, the code never reads it
    b.access('sva.domain.state', 'atomic');
    // domain->users: a refcount_t in the default scheme (refcount_inc_not_zero, refcount_dec_and_test outside the
    // lock); upstream's plain int under iommu_sva_lock in sva-put-under-lock
    b.access('sva.domain.users', sys.variants.declares('sva-put-under-lock') ? 'plain' : 'atomic');
    b.access('task.lock', 'lock');
    b.access('iommu_sva_lock', 'lock');
    // the handle a thread got from bind: its own memory, reached by no other thread
    for (const f of ['thread.bond.domain', 'thread.bond.device', 'thread.bond.mm']) b.access(f, 'local');
    b.format('sva.domain.state', (v) => DOMAIN_STATES[v] ?? String(v));
    b.print('mm.users', countPrinter);
    b.print('mm.count', countPrinter);
    b.print('mm.exited', boolPrinter);
    b.print('task.lock', lockPrinter);
    b.print('iommu_sva_lock', lockPrinter);
    b.print('mm.pasid', idPrinter('pasid'));
    b.print('pasid.owner', idPrinter('mm', 'free'));
    b.print('sva.domain.users', countPrinter);
    b.print('sva.domain.mm', idPrinter('mm'));
    b.print('sva.domain.instance', idPrinter('instance'));
    b.print('sva.xa', idPrinter('sva-domain'));
    b.print('device.pasid', idPrinter('sva-domain'));
    b.print('thread.bond.domain', idPrinter('sva-domain'));
    b.print('thread.bond.device', idPrinter('device'));
    b.print('thread.bond.mm', idPrinter('mm'));
    b.print('ghost.sva.domain_uaf', idPrinter('sva-domain'));
    b.print('ghost.sva.mm_uaf', idPrinter('mm'));
  },
});

/**
 * Every step that reads or writes an SVA domain's memory calls this first (KASAN for the model): a shadow
 * check (peek), not one of the step's accesses; a freed domain is recorded in the ghost.
 */
export function touchSvaDomain(c: Ctx, s: number): boolean {
  const f = c.sys.sva;
  if (c.w.peek(f.domState(s)) === SVA_FREED) {
    if (c.w.get(f.domainUaf) === 0) c.w.set(f.domainUaf, s + 1);
    return false;
  }
  return true;
}

/** Every step that dereferences an mm_struct calls this first: mm_count 0 means it was released. */
export function touchMm(c: Ctx, m: number): boolean {
  const f = c.sys.sva;
  if (c.w.peek(f.mmCount(m)) === 0) {
    if (c.w.get(f.mmUaf) === 0) c.w.set(f.mmUaf, m + 1);
    return false;
  }
  return true;
}
