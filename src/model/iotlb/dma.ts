// Owns device DMA: a device reads one IOVA page through its instance — an IOTLB hit, or a walk of its
// domain's table that fills the IOTLB — as one hardware step (the device's transaction), recording for the
// isolation and stale-TLB invariants what the tables said at that instant.
import type { Ctx } from '../program';
import { operation } from '../api/define';
import { EFAULT } from '../errno';
import { touchDomain } from '../domains/state';

operation({
  name: 'dma', subsystem: 'iotlb',
  description: 'a device reads one IOVA page: IOTLB hit, or a walk of its domain\'s table that fills the IOTLB',
  params: [{ name: 'device', kind: 'device' }, { name: 'iova', kind: 'page' }],
  steps: (b) => {
    const dev = b.arg('device'), iova = b.arg('iova');
    return [
      b.hardware('translate and access', 'one DMA transaction: the SMMU reads the STE, its IOTLB or the table, and the access completes',
        (c) => void c.w.set(c.sys.ret(c.t), dma(c, dev(c), iova(c)))),
    ];
  },
});

function dma(c: Ctx, v: number, p: number): number {
  const f = c.sys.tlb, pt = c.sys.pt;
  const d = c.w.get(c.sys.dom.devDomain(v)) - 1;
  if (d < 0) {
    record(c, v, 0, p, 0);
    return EFAULT; // no domain: DMA blocked
  }
  touchDomain(c, d); // the walker reads this domain's table
  const i = c.sys.dom.devInstance[v];
  let phys = c.w.get(f.tlb(i, d, p));
  if (phys === 0) {
    phys = c.w.get(pt.pte(d, p));
    if (phys !== 0) c.w.set(f.tlb(i, d, p), phys);
  }
  record(c, v, d + 1, p, phys);
  return phys === 0 ? EFAULT : phys - 1;
}

function record(c: Ctx, v: number, dom: number, p: number, phys: number): void {
  const f = c.sys.tlb, pt = c.sys.pt, d = dom - 1;
  c.w.set(f.dmaDomain(v), dom);
  c.w.set(f.dmaPage(v), p);
  c.w.set(f.dmaPhys(v), phys);
  c.w.set(f.dmaPte(v), d < 0 ? 0 : c.w.get(pt.pte(d, p)));
  c.w.set(f.dmaWindow(v), d < 0 ? 0 : c.w.get(pt.window(d, p)));
  c.w.set(f.dmaPromised(v), d < 0 ? 0 : c.w.get(pt.promised(d, p)));
}
