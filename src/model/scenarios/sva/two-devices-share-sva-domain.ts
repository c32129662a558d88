// Scenario: two devices behind one IOMMU instance share the SVA domain of one mm; one unbinds while the other uses it.
import type { ScenarioSpec } from '../../scenario';

export const twoDevicesShareSvaDomain: ScenarioSpec = {
  name: 'two-devices-share-sva-domain',
  description: 'one device unbinds from an mm while a second device behind the same instance binds it, accesses it and unbinds',
  instances: [0],
  devices: [{ instance: 0, group: 0 }, { instance: 0, group: 1 }],
  domains: [],
  pages: 1,
  phys: 1,
  sva: { mms: 1, domains: 2, pasids: 1 },
  setup: [['sva_bind', 0, 0]],
  threads: [
    { name: 'driver0', ops: [['sva_unbind', 0, 0]] },
    { name: 'driver1', ops: [['sva_bind', 1, 0], ['sva_dma', 1, 0], ['sva_unbind', 1, 0]] },
  ],
  alternatives: [['sva-put-under-lock']],
  catches: [{ variant: 'unbind-frees-on-detach', invariant: 'no-use-after-free' }],
};
