// Owns the guest side of the vIOMMU and its dispatch: the guest's vSTEs and stage-1 tables (private to the
// VM, tagged by its ASIDs), device DMA through the nested translation (physical IOTLB entries tagged
// VMID+ASID), and the guest's invalidation batch (TLBI by ASID, by vdev, CMD_SYNC) that the kernel
// dispatches to the physical IOMMUs: the ASID TLBI to every pSMMU the vIOMMU spans, the by-vdev command to
// the pSMMU of the device the vdev id resolves to, then a CMD_SYNC on each, waiting for all.
import type { Ctx, StepDef } from '../program';
import { DONE } from '../program';
import { defineOp } from '../ops';
import { defineVariants } from '../variants';
import { isFree, lockStep, unlockStep } from '../locks';
import { EEXIST, EFAULT, ENODEV, ENOENT } from '../errno';
import { CMD_SYNC, completed, defineCommandKind, extraCmd, insert, hasSpace } from '../cmdq/state';
import { bindingOf } from './viommu-state';
import { asidParam, vdevParam, vmParam } from './viommu-ids';
import { lowestBit } from '../bits';

export const CMD_TLBI_NH_ASID = 1;
export const CMD_INV_DEV = 2;

/** Drop every nested entry of (vm, asid) on instance i. */
function dropContext(c: Ctx, i: number, vm: number, asid: number): void {
  for (let p = 0; p < c.sys.vi.P; p++) c.w.set(c.sys.vi.tlb(i, vm, asid, p), 0);
}

defineCommandKind({
  code: CMD_TLBI_NH_ASID,
  execute: (c, i, payload) => dropContext(c, i, payload & 15, payload >> 4),
  describe: (payload) => `TLBI_NH_ASID(vmid ${payload & 15}, asid ${payload >> 4})`,
});

// The by-vdev command after the kernel translated the vdev id to a physical device (ATC_INV/CFGI_CD_ALL
// of the physical SID): the pSMMU drops the stage-1 context that device's STE selects. It carries the VM
// that issued it, so an invalidation reaching a device now bound to another VM is recorded.
defineCommandKind({
  code: CMD_INV_DEV,
  execute: (c, i, payload) => {
    const v = payload & 15, origin = payload >> 4, f = c.sys.vi;
    const b = bindingOf(c, v);
    if (!b) return; // the device left every vIOMMU: it caches no nested context
    if (b.vm !== origin && c.w.get(f.leakFrom) === 0) {
      c.w.set(f.leakFrom, origin + 1);
      c.w.set(f.leakDev, v);
      c.w.set(f.leakTo, b.vm);
    }
    const asid = c.w.get(f.vste(b.vm, b.id)) - 1;
    if (asid >= 0) dropContext(c, i, b.vm, asid);
  },
  describe: (payload) => `INV_DEV(device ${payload & 15}, from vm ${payload >> 4})`,
});

defineVariants([
  { name: 'vinv-all-spanned-iommus', slot: 'viommu_invalidate_targets', subsystem: 'viommu', faulty: false, isDefault: true,
    description: 'a guest TLBI by ASID is sent to every physical IOMMU the vIOMMU spans (the ASID is private to the VM)' },
  { name: 'vinv-first-iommu-only', slot: 'viommu_invalidate_targets', subsystem: 'viommu', faulty: true,
    description: 'a guest TLBI by ASID is sent only to the vIOMMU\'s first physical IOMMU (plus the targeted device\'s)' },
  { name: 'vinv-lookup-held-until-queued', slot: 'viommu_vdev_lookup', subsystem: 'viommu', faulty: false, isDefault: true,
    description: 'the vdev id is resolved under the vIOMMU lock, held until the command is in the device\'s queue' },
  { name: 'vinv-stale-vdev-lookup', slot: 'viommu_vdev_lookup', subsystem: 'viommu', faulty: true,
    description: 'the vdev id is resolved under the lock but the lock is dropped before queuing, so a concurrent unset/set makes the target stale' },
]);

defineOp({
  name: 'guest_set_ste', subsystem: 'viommu',
  description: 'the guest writes the vSTE of one of its vdev ids: the stage-1 context (ASID) the device uses',
  params: [vmParam, vdevParam, asidParam],
  build: () => [{
    label: 'write vSTE',
    run: (c) => {
      c.w.set(c.sys.vi.vste(c.args[0], c.args[1]), c.args[2] + 1);
      c.w.set(c.sys.ret(c.t), 0);
    },
  }],
});

defineOp({
  name: 'guest_map', subsystem: 'viommu',
  description: 'the guest maps one page of its stage-1 table for an ASID (-EEXIST if mapped)',
  params: [vmParam, asidParam, { name: 'iova', kind: 'page' }, { name: 'phys', kind: 'phys' }],
  build: () => [{
    label: 'install stage-1 pte',
    run: (c) => {
      const f = c.sys.vi, [vm, a, p, x] = c.args;
      if (c.w.get(f.s1(vm, a, p)) !== 0) return void c.w.set(c.sys.ret(c.t), EEXIST);
      c.w.set(f.s1(vm, a, p), x + 1);
      c.w.set(f.promised(vm, a, p), 0);
      c.w.set(f.watch(vm, a, p), 0); // a batch running now promises nothing about this page
      c.w.set(c.sys.ret(c.t), 0);
    },
  }],
});

defineOp({
  name: 'guest_unmap', subsystem: 'viommu',
  description: 'the guest clears one page of its stage-1 table for an ASID (-ENOENT if not mapped); it must invalidate next',
  params: [vmParam, asidParam, { name: 'iova', kind: 'page' }],
  build: () => [{
    label: 'clear stage-1 pte',
    run: (c) => {
      const f = c.sys.vi, [vm, a, p] = c.args;
      if (c.w.get(f.s1(vm, a, p)) === 0) return void c.w.set(c.sys.ret(c.t), ENOENT);
      c.w.set(f.s1(vm, a, p), 0);
      c.w.set(c.sys.ret(c.t), 0);
    },
  }],
});

defineOp({
  name: 'nested_dma', subsystem: 'viommu',
  description: 'a device bound to a vIOMMU reads a page: IOTLB hit on (VMID, ASID of its vSTE), or a stage-1 walk that fills it',
  params: [{ name: 'device', kind: 'device' }, { name: 'iova', kind: 'page' }],
  build: () => [{
    label: 'translate (nested) and access',
    run: (c) => {
      const f = c.sys.vi, v = c.args[0], p = c.args[1];
      const b = bindingOf(c, v);
      const asid = b ? c.w.get(f.vste(b.vm, b.id)) - 1 : -1;
      if (!b || asid < 0) return void c.w.set(c.sys.ret(c.t), EFAULT); // no nested context: DMA aborts
      const at = f.tlb(c.sys.dom.devInstance[v], b.vm, asid, p);
      let phys = c.w.get(at);
      if (phys === 0) {
        phys = c.w.get(f.s1(b.vm, asid, p));
        if (phys !== 0) c.w.set(at, phys);
      }
      c.w.set(c.sys.ret(c.t), phys === 0 ? EFAULT : phys - 1);
    },
  }],
});

/** Locals of a guest batch: 0 = pages unmapped at its start, 1 = device + 1 the vdev resolved to,
 *  2 = pSMMUs still to queue on, 3 = pSMMUs whose CMD_SYNC is awaited (positions in viommu.syncAt). */
const PAGES = 0, DEV = 1, TODO = 2, WAIT = 3;

defineOp({
  name: 'guest_invalidate', subsystem: 'viommu',
  description: 'a guest batch TLBI_NH_ASID(asid) + invalidate-by-vdev(vdev) + CMD_SYNC, dispatched to the pSMMUs; returns after every CMD_SYNC (-ENODEV if the vdev id is not bound)',
  params: [vmParam, asidParam, vdevParam],
  build: (sys) => {
    const firstOnly = sys.variants.is('vinv-first-iommu-only');
    const stale = sys.variants.is('vinv-stale-vdev-lookup');
    const local = (c: Ctx, k: number) => c.sys.local(c.t, k);
    const vlock = (c: Ctx) => c.sys.vi.lock(c.args[0]);
    const qinst = (c: Ctx) => lowestBit(c.w.get(local(c, TODO)));
    const winst = (c: Ctx) => lowestBit(c.w.get(local(c, WAIT)));
    const devOn = (c: Ctx, i: number) => {
      const d = c.w.get(local(c, DEV)) - 1;
      return d >= 0 && c.sys.dom.devInstance[d] === i;
    };
    const steps: StepDef[] = [
      {
        label: 'take guest batch: note unmapped pages',
        run: (c) => {
          const f = c.sys.vi, [vm, a] = c.args;
          let mask = 0;
          for (let p = 0; p < f.P; p++) if (c.w.get(f.s1(vm, a, p)) === 0) mask |= 1 << p;
          c.w.set(local(c, PAGES), mask);
          for (let p = 0; p < f.P; p++) if (mask & (1 << p)) c.w.set(f.watch(vm, a, p), c.w.get(f.watch(vm, a, p)) | (1 << c.t));
          const span = f.span[vm];
          c.w.set(local(c, TODO), firstOnly ? span & -span : span);
        },
      },
      lockStep('lock vIOMMU', vlock),
      {
        label: stale ? 'resolve vdev id, unlock vIOMMU' : 'resolve vdev id',
        run: (c) => {
          const e = c.w.get(c.sys.vi.vdev(c.args[0], c.args[2]));
          if (e > 0) {
            c.w.set(local(c, DEV), e);
            c.w.set(local(c, TODO), c.w.get(local(c, TODO)) | (1 << c.sys.dom.devInstance[e - 1]));
          }
          if (stale) c.w.set(vlock(c), 0);
        },
      },
    ];
    const queueAt = steps.length;
    steps.push({
      label: 'queue TLBI_NH_ASID [+ INV_DEV] + CMD_SYNC on a pSMMU',
      enabled: (c) => isFree(c, c.sys.cq.lock(qinst(c))) && hasSpace(c, qinst(c), devOn(c, qinst(c)) ? 3 : 2),
      run: (c) => {
        const i = qinst(c), [vm, a] = c.args;
        insert(c, i, extraCmd(CMD_TLBI_NH_ASID, vm | (a << 4)));
        if (devOn(c, i)) insert(c, i, extraCmd(CMD_INV_DEV, (c.w.get(local(c, DEV)) - 1) | (vm << 4)));
        c.w.set(c.sys.vi.syncAt(c.t, i), insert(c, i, CMD_SYNC));
        c.w.set(local(c, WAIT), c.w.get(local(c, WAIT)) | (1 << i));
        const rest = c.w.get(local(c, TODO)) & ~(1 << i);
        c.w.set(local(c, TODO), rest);
        if (rest !== 0) return queueAt;
      },
    });
    if (!stale) steps.push(unlockStep('unlock vIOMMU', vlock));
    const waitAt = steps.length;
    steps.push({
      label: 'wait for CMD_SYNC on a pSMMU',
      enabled: (c) => completed(c, winst(c), c.w.get(c.sys.vi.syncAt(c.t, winst(c)))),
      run: (c) => {
        const f = c.sys.vi, i = winst(c), [vm, a] = c.args;
        c.w.set(f.syncAt(c.t, i), 0);
        const rest = c.w.get(local(c, WAIT)) & ~(1 << i);
        c.w.set(local(c, WAIT), rest);
        if (rest !== 0) return waitAt;
        const pages = c.w.get(local(c, PAGES));
        for (let p = 0; p < f.P; p++)
          if (pages & (1 << p)) {
            const w = c.w.get(f.watch(vm, a, p));
            c.w.set(f.watch(vm, a, p), w & ~(1 << c.t));
            // promised only if the page stayed unmapped for the whole batch (no guest_map meanwhile)
            if (w & (1 << c.t) && c.w.get(f.s1(vm, a, p)) === 0) c.w.set(f.promised(vm, a, p), 1);
          }
        c.w.set(c.sys.ret(c.t), c.w.get(local(c, DEV)) === 0 ? ENODEV : 0);
        return DONE;
      },
    });
    return steps;
  },
});
