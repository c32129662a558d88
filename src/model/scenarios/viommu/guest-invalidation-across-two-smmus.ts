// Scenario: one vIOMMU spans two physical SMMUs; the guest unmaps a page and invalidates by ASID while the
// devices behind both SMMUs keep reading it through their warm nested IOTLB entries.
import type { ScenarioSpec } from '../../scenario';

export const guestInvalidationAcrossTwoSmmus: ScenarioSpec = {
  name: 'guest-invalidation-across-two-smmus',
  description: 'guest unmap + TLBI by ASID/vdev + CMD_SYNC on a vIOMMU spanning two pSMMUs, racing DMA of a device behind each',
  instances: [0, 0],
  devices: [{ instance: 0, group: 0 }, { instance: 1, group: 1 }],
  domains: [],
  pages: 1,
  phys: 1,
  viommu: { vms: [{ instances: [0, 1] }], vdevIds: 2, asids: 1 },
  setup: [
    ['set_dev_id', 0, 0, 0], ['set_dev_id', 0, 1, 1], ['guest_set_ste', 0, 0, 0], ['guest_set_ste', 0, 1, 0],
    ['guest_map', 0, 0, 0, 0], ['nested_dma', 0, 0], ['nested_dma', 1, 0],
  ],
  threads: [
    { name: 'guest', ops: [['guest_unmap', 0, 0, 0], ['guest_invalidate', 0, 0, 0]] },
    { name: 'device0', ops: [['nested_dma', 0, 0]] },
    { name: 'device1', ops: [['nested_dma', 1, 0]] },
  ],
  catches: [{ variant: 'vinv-first-iommu-only', invariant: 'guest-sync-complete' }],
};
