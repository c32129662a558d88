// Scenario: as two-vms-overlapping-vdev-ids, but VFIO unbinds the device (its vdev id unset on the way) before
// the VMM binds it to VM 1: the unbind must drain the pSMMU's queue before the device is released, or VM 0's
// invalidation through its old vdev id reaches it once it belongs to VM 1.
import type { ScenarioSpec } from '../../scenario';

export const unboundDeviceReassignedToAnotherVm: ScenarioSpec = {
  name: 'unbound-device-reassigned-to-another-vm',
  description: 'device 0 is unbound from VM 0 (vdev id 0) and bound to VM 1 while VM 0 invalidates by vdev id 0',
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
    { name: 'vfio', ops: [['unbind', 0], ['set_dev_id', 1, 1, 0]] },
    { name: 'guest0', ops: [['guest_unmap', 0, 0, 0], ['guest_invalidate', 0, 0, 0]] },
    { name: 'device1', ops: [['nested_dma', 1, 0]] },
  ],
};
