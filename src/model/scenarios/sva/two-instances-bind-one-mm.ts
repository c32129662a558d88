// Scenario: two devices behind two IOMMU instances bind the same process and use it.
import type { ScenarioSpec } from '../../scenario';

export const twoInstancesBindOneMm: ScenarioSpec = {
  name: 'two-instances-bind-one-mm',
  description: 'devices behind two IOMMU instances bind, access and unbind one mm: one SVA domain per instance, one PASID',
  instances: [0, 0],
  devices: [{ instance: 0, group: 0 }, { instance: 1, group: 1 }],
  domains: [],
  pages: 1,
  phys: 1,
  sva: { mms: 1, domains: 2, pasids: 1 },
  threads: [
    { name: 'driver0', ops: [['sva_bind', 0, 0], ['sva_dma', 0, 0], ['sva_unbind', 0, 0]] },
    { name: 'driver1', ops: [['sva_bind', 1, 0], ['sva_dma', 1, 0], ['sva_unbind', 1, 0]] },
  ],
  alternatives: [['sva-put-under-lock']],
  catches: [{ variant: 'sva-domain-per-pasid', invariant: 'sva-domain-per-instance' }],
};
