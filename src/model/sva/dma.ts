// Owns sva_dma: a device's transaction tagged with the mm's PASID, as the IOMMU translates it — the PASID-table
// entry, the SVA domain it points at (its context descriptor holds mm->pgd), the CPU page tables — written as a
// hardware agent: one atomic walk, never one side of a CPU data race.
import type { Ctx } from '../program';
import type { System } from '../system';
import { operation } from '../api/define';
import { EFAULT } from '../errno';
import { touchMm, touchSvaDomain } from './state';

operation({
  name: 'sva_dma', subsystem: 'sva',
  description: 'a device accesses the process address space with the mm\'s PASID: walks its PASID entry\'s SVA domain and the CPU page tables',
  params: [{ name: 'device', kind: 'device' }, { name: 'mm', kind: 'mm', max: (sys: System) => sys.sva.M - 1 }],
  steps: (b) => {
    const dev = b.arg('device'), mm = b.arg('mm');
    const ret = (c: Ctx, v: number) => void c.w.set(c.sys.ret(c.t), v);
    return [
      b.hardware('walk PASID entry -> SVA domain -> CPU page tables',
        'one IOMMU translation; iommu_detach_device_pasid invalidates the PASID caches before unbind returns, so no walk outlives the entry it read',
        (c) => {
          const f = c.sys.sva;
          const s = c.w.get(f.devPasid(dev(c), mm(c))) - 1;
          if (s < 0) return ret(c, EFAULT); // no PASID entry: translation fault
          if (!touchSvaDomain(c, s)) return ret(c, EFAULT);
          const m = c.w.get(f.domMm(s)) - 1;
          if (!touchMm(c, m) || c.w.get(f.mmUsers(m)) === 0) return ret(c, EFAULT); // address space torn down
          ret(c, 0);
        }),
    ];
  },
});
