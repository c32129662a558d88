// Owns the state of the iommufd-style vIOMMU: the scenario section `viommu` (VMs, the physical IOMMUs each
// vIOMMU spans, the vdev id space, the guest ASIDs), the argument kinds vm/vdev/asid, and its fields with
// their access classes: each vIOMMU's vdev id xarray and its rwsem, each device's vdev binding and its
// iommufd group's mutex, the guest's vSTEs and stage-1 tables, the nested (VMID+ASID-tagged) entries of each
// physical IOTLB, the per-thread CMD_SYNC positions of a guest batch, and the ghosts.
import type { Index1, Index2, Index3, LayoutBuilder } from '../layout';
import type { Ctx, ParamSpec } from '../program';
import type { ScenarioSpec } from '../scenario';
import { defineSubsystem, type System } from '../system';
import { fail, int } from '../validate';
import { boolPrinter, codePrinter, countPrinter, idPrinter, lockPrinter, threadSetPrinter } from '../printers';

export const vmParam: ParamSpec = { name: 'vm', kind: 'vm', max: (sys) => sys.vi.M - 1 };
export const vdevParam: ParamSpec = { name: 'vdev', kind: 'vdev', max: (sys) => sys.vi.N - 1 };
export const asidParam: ParamSpec = { name: 'asid', kind: 'asid', max: (sys) => sys.vi.A - 1 };

export interface ViommuSection {
  /** one entry per VM: the physical IOMMU instances its vIOMMU spans */
  vms: { instances: number[] }[];
  /** vdev ids per vIOMMU (default 2) */
  vdevIds?: number;
  /** guest ASIDs per VM (default 1) */
  asids?: number;
}

export interface ViommuFields {
  /** VMs, vdev ids per vIOMMU, ASIDs per VM, pages */
  M: number;
  N: number;
  A: number;
  P: number;
  /** bit mask of the physical instances each VM's vIOMMU spans */
  span: readonly number[];
  /**
   * vIOMMU vm's vdev id xarray (viommu->vdev_ids): device + 1 bound at vdev id n; -(device + 1) while its
   * unset is in progress (the id stays reserved); 0 free. Plain memory: every access is under `lock`.
   */
  vdev: Index2;
  /** viommu->vdev_ids_rwsem: set/unset take it for writing, a guest invalidation for reading */
  lock: Index1;
  /**
   * device v's binding (idev->vdev_id): vm * N + id + 1, 0 = none (cleared only when its unset has completed).
   * Plain memory under the device's iommufd group mutex (`igroup`); read by the SMMU (hardware) too.
   */
  bound: Index1;
  /** idev->igroup->lock of each group: the mutex over its devices' vdev bindings */
  igroup: Index1;
  /** guest memory: the vSTE of (vm, vdev id) selects the stage-1 context (ASID + 1, 0 = abort); WRITE_ONCE */
  vste: Index2;
  /** guest memory: stage-1 PTE of (vm, asid, page), physical page + 1; READ_ONCE/WRITE_ONCE */
  s1: Index3;
  /** physical IOTLB of instance i: entry tagged (VMID vm, ASID a) for page p, physical page + 1 */
  tlb: (i: number, vm: number, a: number, p: number) => number;
  /** the queue position just past the CMD_SYNC a thread's guest batch queued on instance i (0 = none): a register */
  syncAt: Index2;
  /** ghost: 1 once the guest's CMD_SYNC covering the unmap of (vm, asid, page) returned; cleared by a map */
  promised: Index3;
  /** ghost: bit t while thread t's guest batch covers (vm, asid, page); a guest_map clears every bit */
  watch: Index3;
  /** ghost: the first invalidation executed on a device bound to another VM: origin vm + 1, device, its vm */
  leakFrom: number;
  leakDev: number;
  leakTo: number;
}

declare module '../system' {
  interface System {
    vi: ViommuFields;
  }
}

/** Checks the `viommu` section of a scenario; errors name the field. */
export function validateViommu(raw: unknown, scenario: ScenarioSpec): void {
  const at = `${scenario.name}.viommu`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(at, 'expected an object { vms, vdevIds, asids }');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['vms', 'vdevIds', 'asids'].includes(k)) fail(`${at}.${k}`, 'unknown field (known: vms, vdevIds, asids)');
  const I = Array.isArray(scenario.instances) ? scenario.instances.length : 0;
  if (!Array.isArray(o.vms) || o.vms.length < 1 || o.vms.length > 4) fail(`${at}.vms`, 'expected a list of 1..4 VMs');
  o.vms.forEach((vm, k) => {
    const where = `${at}.vms[${k}]`;
    if (typeof vm !== 'object' || vm === null || Array.isArray(vm)) fail(where, 'expected an object { instances }');
    for (const key of Object.keys(vm)) if (key !== 'instances') fail(`${where}.${key}`, 'unknown field (known: instances)');
    const list = (vm as Record<string, unknown>).instances;
    if (!Array.isArray(list) || list.length < 1 || list.length > Math.max(I, 1)) fail(`${where}.instances`, `expected a list of 1..${I} instances`);
    const seen = new Set<number>();
    list.forEach((i, j) => {
      const n = int(i, `${where}.instances[${j}]`, 0, I - 1);
      if (seen.has(n)) fail(`${where}.instances[${j}]`, `instance ${n} listed twice`);
      seen.add(n);
    });
  });
  if (o.vdevIds !== undefined) int(o.vdevIds, `${at}.vdevIds`, 1, 4);
  if (o.asids !== undefined) int(o.asids, `${at}.asids`, 1, 4);
}

defineSubsystem({
  name: 'viommu',
  section: 'viommu',
  validate: validateViommu,
  declare(b: LayoutBuilder, sys: System) {
    const sec = sys.scenario.viommu as ViommuSection | undefined;
    const M = sec?.vms.length ?? 0, N = sec ? (sec.vdevIds ?? 2) : 0, A = sec ? (sec.asids ?? 1) : 0;
    const P = sys.scenario.pages, I = sys.scenario.instances.length, V = sys.scenario.devices.length;
    const G = sec ? sys.dom.G : 0;
    const nested = b.cube('iotlb.nested', I, M * A, P, (i, t, p) => `iotlb[${i}].nested[${Math.floor(t / A)}][${t % A}][${p}]`);
    const s1obj = (vm: number, a: number, p: number) => `vm[${vm}].s1[${a}][${p}]`;
    sys.vi = {
      M, N, A, P,
      span: (sec?.vms ?? []).map((vm) => vm.instances.reduce((m, i) => m | (1 << i), 0)),
      vdev: b.matrix('viommu.vdev', M, N, (vm, n) => `viommu[${vm}].vdev[${n}]`),
      lock: b.array('viommu.lock', M, (vm) => `viommu[${vm}].lock`),
      bound: b.array('device.vdev', V, (v) => `device[${v}].vdev`),
      igroup: b.array('igroup.lock', G, (g) => `igroup[${g}].lock`),
      vste: b.matrix('guest.vste', M, N, (vm, n) => `vm[${vm}].vste[${n}]`),
      s1: b.cube('guest.s1pte', M, A, P, s1obj),
      tlb: (i, vm, a, p) => nested(i, vm * A + a, p),
      syncAt: b.matrix('viommu.syncAt', sys.threads, I, (t) => `thread[${t}]`),
      promised: b.cube('ghost.viommu.promised', M, A, P, s1obj),
      watch: b.cube('ghost.viommu.watch', M, A, P, s1obj),
      leakFrom: b.scalar('ghost.viommu.leak.from', 'ghost.viommu.leak'),
      leakDev: b.scalar('ghost.viommu.leak.device', 'ghost.viommu.leak'),
      leakTo: b.scalar('ghost.viommu.leak.to', 'ghost.viommu.leak'),
    };
    b.access('viommu.lock', 'lock');
    b.access('igroup.lock', 'lock');
    b.access('guest.vste', 'atomic'); // the guest writes its STE words with WRITE_ONCE; the SMMU reads them
    b.access('guest.s1pte', 'atomic'); // the guest's io-pgtable: READ_ONCE/WRITE_ONCE PTEs, walked by the SMMU
    b.access('iotlb.nested', 'hw');
    b.access('viommu.syncAt', 'local');
    b.print('viommu.vdev', codePrinter((v) => (v === 0 ? 'free' : v > 0 ? `device ${v - 1}` : `device ${-v - 1} (unsetting)`)));
    b.print('viommu.lock', lockPrinter);
    b.print('igroup.lock', lockPrinter);
    b.print('device.vdev', codePrinter((v) => (v === 0 ? 'none' : `vm ${Math.floor((v - 1) / N)} vdev ${(v - 1) % N}`)));
    b.print('guest.vste', idPrinter('asid', 'abort'));
    b.print('guest.s1pte', idPrinter('phys page', 'not mapped'));
    b.print('iotlb.nested', idPrinter('phys page', 'no entry'));
    b.print('viommu.syncAt', countPrinter);
    b.print('ghost.viommu.promised', boolPrinter);
    b.print('ghost.viommu.watch', threadSetPrinter);
    b.print('ghost.viommu.leak.from', idPrinter('vm'));
    b.print('ghost.viommu.leak.device', codePrinter((v) => `device ${v}`));
    b.print('ghost.viommu.leak.to', codePrinter((v) => `vm ${v}`));
  },
});

/** The (vm, vdev id) device v is bound to, or null (for hardware steps and the consumer: one read of the binding). */
export function bindingOf(c: Ctx, v: number): { vm: number; id: number } | null {
  const b = c.w.get(c.sys.vi.bound(v)) - 1;
  return b < 0 ? null : { vm: Math.floor(b / c.sys.vi.N), id: b % c.sys.vi.N };
}
