// Owns the SMMU power hypercalls, the power-domain notifiers iommu_power_off / iommu_power_on: under the
// SMMU's lock, set power_is_off, and on power-on reset the SMMU (resume: smmu_reset_device).
import type { Ctx } from '../program';
import { operation } from '../api/define';
import { resetSmmu } from './cmdq';
import { hypMode, lock, unlock } from './mode';
import { P_SMMU } from './params';

operation({
  name: 'hyp_power_off', subsystem: 'hyp', description: 'host hypercall (power-domain notifier): the SMMU is about to lose power',
  params: [P_SMMU],
  steps: (b, sys) => {
    const smmu = b.arg('smmu'), l = hypMode(sys).smmuLock(smmu);
    return [
      lock(b, l),
      b.step('iommu->power_is_off = true', (c: Ctx) => {
        const h = c.sys.hyp, i = smmu(c);
        c.w.set(h.power(i), 0);
        // ghost: powered off, the SMMU loses its TLBs and configuration caches
        for (let g = 0; g < h.G; g++) (c.w.set(h.tlbStale(i, g), 0), c.w.set(h.tlbInv(i, g), 0));
        for (let j = 0; j < h.SID; j++) (c.w.set(h.steCache(i, j), 0), c.w.set(h.steInv(i, j), 0));
      }, undefined, undefined, 'store', (c: Ctx) => c.sys.hyp.power(smmu(c))),
      b.ret(0),
      unlock(b, l),
    ];
  },
});

operation({
  name: 'hyp_power_on', subsystem: 'hyp', description: 'host hypercall (power-domain notifier): the SMMU is powered again; reset it (queue, TLBs)',
  params: [P_SMMU],
  steps: (b, sys) => {
    const smmu = b.arg('smmu'), l = hypMode(sys).smmuLock(smmu);
    return [
      lock(b, l),
      b.store('iommu->power_is_off = false', (c: Ctx) => c.sys.hyp.power(smmu(c)), 1),
      resetSmmu(b, smmu),
      b.ret(0),
      unlock(b, l),
    ];
  },
});
