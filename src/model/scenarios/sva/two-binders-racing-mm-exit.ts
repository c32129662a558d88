// Scenario: two drivers, behind two IOMMU instances, bind a process for the first time while it exits.
import type { ScenarioSpec } from '../../scenario';

export const twoBindersRacingMmExit: ScenarioSpec = {
  name: 'two-binders-racing-mm-exit',
  description: 'two first binds of one mm race (one PASID allocated, under iommu_sva_lock) and the process exit; the last mmput of a bind races the other driver\'s unbind freeing its SVA domain (mm_count)',
  instances: [0, 0],
  devices: [{ instance: 0, group: 0 }, { instance: 1, group: 1 }],
  domains: [],
  pages: 1,
  phys: 1,
  sva: { mms: 1, domains: 2, pasids: 2 },
  threads: [
    { name: 'driver0', ops: [['sva_bind', 0, 0], ['sva_unbind', 0, 0]] },
    { name: 'driver1', ops: [['sva_bind', 1, 0], ['sva_unbind', 1, 0]] },
    { name: 'process', ops: [['mm_exit', 0]] },
  ],
  alternatives: [['sva-put-under-lock']],
};
