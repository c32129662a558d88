// Owns the physical SMMU's side of a guest invalidation: the two command kinds the kernel translates the
// guest's commands into (TLBI_NH_ASID with the VM's VMID, and the by-vdev command after the vdev id was
// translated to a physical device), registered with the cmdq, and what the consumer does when it executes
// them (drop the nested IOTLB entries of a VMID+ASID; record an invalidation reaching another VM's device).
import type { Ctx } from '../program';
import { defineCommandKind } from '../cmdq/state';
import { bindingOf } from './state';

export const CMD_TLBI_NH_ASID = 1;
export const CMD_INV_DEV = 2;

/** Drop every nested entry of (vm, asid) on instance i. */
function dropContext(c: Ctx, i: number, vm: number, asid: number): void {
  for (let p = 0; p < c.sys.vi.P; p++) c.w.set(c.sys.vi.tlb(i, vm, asid, p), 0);
}

// arm_vsmmu_convert_user_cmd: a guest TLBI_NH_ASID gets the VM's VMID forced into it
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
