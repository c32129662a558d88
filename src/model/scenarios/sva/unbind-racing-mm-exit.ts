// Scenario: the process exits while its device is still bound; the driver unbinds later (fd closed at exit).
import type { ScenarioSpec } from '../../scenario';

export const unbindRacingMmExit: ScenarioSpec = {
  name: 'unbind-racing-mm-exit',
  description: 'mm_exit races sva_unbind and the device\'s PASID-tagged DMA: the mm_struct and PASID must live until the domain is freed',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [],
  pages: 1,
  phys: 1,
  sva: { mms: 1, domains: 1, pasids: 1 },
  setup: [['sva_bind', 0, 0]],
  threads: [
    { name: 'driver', ops: [['sva_unbind', 0, 0]] },
    { name: 'process', ops: [['mm_exit', 0]] },
    { name: 'device', ops: [['sva_dma', 0, 0]] },
  ],
  alternatives: [['sva-put-under-lock']],
  catches: [{ variant: 'sva-domain-no-mmgrab', invariant: 'mm-outlives-binding' }],
};
