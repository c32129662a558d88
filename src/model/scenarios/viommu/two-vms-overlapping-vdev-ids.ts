// Scenario: two VMs whose vIOMMUs share a pSMMU and use the same vdev id; the VMM moves a device from one
// VM to the other while the first VM's guest invalidates through the device's old vdev id.
import type { ScenarioSpec } from '../../scenario';

export const twoVmsOverlappingVdevIds: ScenarioSpec = {
  name: 'two-vms-overlapping-vdev-ids',
  description: 'VM 0 and VM 1 both use vdev id 0 on one pSMMU; device 0 moves from VM 0 to VM 1 while VM 0 invalidates by vdev id 0',
  instances: [0],
  devices: [{ instance: 0, group: 0 }, { instance: 0, group: 1 }],
  domains: [],
  pages: 1,
  phys: 1,
  viommu: { vms: [{ instances: [0] }, { instances: [0] }], vdevIds: 2, asids: 1 },
  setup: [
    ['set_dev_id', 0, 0, 0], ['set_dev_id', 1, 0, 1],
    ['guest_set_ste', 0, 0, 0], ['guest_set_ste', 1, 0, 0], ['guest_set_ste', 1, 1, 0],
    ['guest_map', 0, 0, 0, 0], ['guest_map', 1, 0, 0, 0], ['nested_dma', 0, 0], ['nested_dma', 1, 0],
  ],
  threads: [
    { name: 'vmm', ops: [['unset_dev_id', 0, 0], ['set_dev_id', 1, 1, 0]] },
    { name: 'guest0', ops: [['guest_unmap', 0, 0, 0], ['guest_invalidate', 0, 0, 0]] },
    { name: 'device1', ops: [['nested_dma', 1, 0]] },
  ],
  catches: [
    { variant: 'vinv-stale-vdev-lookup', invariant: 'viommu-isolation' },
    { variant: 'unset-drain-before-erase', invariant: 'viommu-isolation' },
  ],
};
