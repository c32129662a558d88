// Scenario: VFIO unbinds a device from VM 0's vIOMMU while VM 0's VMM unsets its vdev id, VM 1's VMM tries to
// bind it (busy until it is released) and VM 0's VMM binds it to a second vdev id: the device's binding is
// shared by both vIOMMUs' writers, so it is only ever accessed under the device's group mutex, taken after a
// vIOMMU's rwsem.
import type { ScenarioSpec } from '../../scenario';

export const deviceReboundRacingUnbind: ScenarioSpec = {
  name: 'device-rebound-racing-unbind',
  description: 'unbind and unset of a device from VM 0 racing set_dev_id of the same device on VM 1 and on another vdev id of VM 0',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [],
  pages: 1,
  phys: 1,
  viommu: { vms: [{ instances: [0] }, { instances: [0] }], vdevIds: 2, asids: 1 },
  setup: [['set_dev_id', 0, 0, 0]],
  threads: [
    { name: 'vfio', ops: [['unbind', 0]] },
    { name: 'vmm1', ops: [['set_dev_id', 1, 0, 0]] },
    { name: 'vmm0', ops: [['set_dev_id', 0, 1, 0]] },
    { name: 'vmm0-unset', ops: [['unset_dev_id', 0, 0]] },
  ],
};
