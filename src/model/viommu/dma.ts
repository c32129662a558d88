// Owns device DMA through the nested translation: a device bound to a vIOMMU reads one page, the SMMU
// selecting the stage-1 context from the device's vSTE (an ASID private to its VM), then an IOTLB hit on
// (VMID, ASID) or a walk of the guest's stage-1 table that fills it; one hardware step, as iotlb/dma.ts.
import type { Ctx } from '../program';
import { operation } from '../api/define';
import { EFAULT } from '../errno';
import { bindingOf } from './state';

operation({
  name: 'nested_dma', subsystem: 'viommu',
  description: 'a device bound to a vIOMMU reads a page: IOTLB hit on (VMID, ASID of its vSTE), or a stage-1 walk that fills it',
  params: [{ name: 'device', kind: 'device' }, { name: 'iova', kind: 'page' }],
  steps: (b) => {
    const dev = b.arg('device'), iova = b.arg('iova');
    return [
      b.hardware('translate (nested) and access',
        'one DMA transaction: the SMMU reads the STE and vSTE, its IOTLB or the stage-1 table, and the access completes',
        (c) => void c.w.set(c.sys.ret(c.t), nestedDma(c, dev(c), iova(c)))),
    ];
  },
});

function nestedDma(c: Ctx, v: number, p: number): number {
  const f = c.sys.vi;
  const b = bindingOf(c, v);
  const asid = b ? c.w.get(f.vste(b.vm, b.id)) - 1 : -1;
  if (!b || asid < 0) return EFAULT; // no nested context: DMA aborts
  const at = f.tlb(c.sys.dom.devInstance[v], b.vm, asid, p);
  let phys = c.w.get(at);
  if (phys === 0) {
    phys = c.w.get(f.s1(b.vm, asid, p));
    if (phys !== 0) c.w.set(at, phys);
  }
  return phys === 0 ? EFAULT : phys - 1;
}
