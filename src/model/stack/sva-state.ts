// Owns the state of SVA: the scenario's `sva` section, the process address spaces (mm) with their two
// counts (mm_users: the address space is alive; mm_count: the mm_struct is allocated), the per-mm PASID
// and its allocator, the SVA domain slots, the xarray that publishes each (mm, instance) SVA domain, the
// devices' PASID-table entries, the bond each thread holds, the SVA mutex, and the use-after-free ghosts.
import type { Index1, Index2, LayoutBuilder } from '../layout';
import type { Ctx } from '../program';
import { defineSubsystem, type System } from '../system';
import type { ScenarioSpec } from '../scenario';
import { fail, int } from '../validate';

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
  /** mm_users: references on the address space (the process itself, mmget callers); 0 = exited */
  mmUsers: Index1;
  /** mm_count: references on the mm_struct (one for all users, one per mmgrab); 0 = released */
  mmCount: Index1;
  /** 1 once the process itself exited (it drops its own mm_users reference once) */
  mmExited: Index1;
  /** the mm's PASID + 1 (0 = none yet), allocated at first bind, freed with the mm_struct */
  mmPasid: Index1;
  /** the mm owning each PASID, + 1 (0 = free) */
  pasidOwner: Index1;
  /** SVA_UNUSED, SVA_LIVE or SVA_FREED */
  domState: Index1;
  /** refcount of users (bonds) of the SVA domain */
  domUsers: Index1;
  /** the mm the domain wraps, + 1 */
  domMm: Index1;
  /** the IOMMU instance the domain was allocated for, + 1 */
  domInstance: Index1;
  /** the xarray: published SVA domain of (mm, instance), slot + 1 (0 = none) */
  xa: Index2;
  /** device PASID-table entry for the mm's PASID: the SVA domain slot + 1 the hardware walks (0 = none) */
  devPasid: Index2;
  /** the bond a thread holds (what its sva_unbind releases): domain slot + 1, device + 1, mm + 1 */
  bondDomain: Index1;
  bondDevice: Index1;
  bondMm: Index1;
  /** iommu_sva_lock */
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
  },
});

/** Every step that reads or writes an SVA domain's memory calls this first (KASAN for the model). */
export function touchSvaDomain(c: Ctx, s: number): boolean {
  const f = c.sys.sva;
  if (c.w.get(f.domState(s)) === SVA_FREED) {
    if (c.w.get(f.domainUaf) === 0) c.w.set(f.domainUaf, s + 1);
    return false;
  }
  return true;
}

/** Every step that dereferences an mm_struct calls this first: mm_count 0 means it was released. */
export function touchMm(c: Ctx, m: number): boolean {
  const f = c.sys.sva;
  if (c.w.get(f.mmCount(m)) === 0) {
    if (c.w.get(f.mmUaf) === 0) c.w.set(f.mmUaf, m + 1);
    return false;
  }
  return true;
}

/** mmdrop: drop a reference on the mm_struct; the last one frees it and its PASID (mm_pasid_drop). */
export function mmdrop(c: Ctx, m: number): void {
  const f = c.sys.sva;
  if (!touchMm(c, m)) return;
  if (c.w.add(f.mmCount(m), -1) !== 0) return;
  const p = c.w.get(f.mmPasid(m)) - 1;
  if (p >= 0) c.w.set(f.pasidOwner(p), 0);
  c.w.set(f.mmPasid(m), 0);
}

/** mmput: drop a reference on the address space; the last one tears it down (exit_mmap) and drops the users' mm_count. */
export function mmput(c: Ctx, m: number): void {
  const f = c.sys.sva;
  if (!touchMm(c, m)) return;
  if (c.w.add(f.mmUsers(m), -1) === 0) mmdrop(c, m);
}

/** The mm's PASID, allocating the lowest free one at first use; -1 when the PASID space is full. */
export function mmPasidAlloc(c: Ctx, m: number): number {
  const f = c.sys.sva;
  const have = c.w.get(f.mmPasid(m));
  if (have !== 0) return have - 1;
  for (let p = 0; p < f.P; p++) {
    if (c.w.get(f.pasidOwner(p)) === 0) {
      c.w.set(f.pasidOwner(p), m + 1);
      c.w.set(f.mmPasid(m), p + 1);
      return p;
    }
  }
  return -1;
}
