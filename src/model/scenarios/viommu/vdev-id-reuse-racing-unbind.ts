// Scenario: a device is unbound (its vdev id unset) while the VMM hands the same vdev id to another device
// and the guest invalidates through that id.
import type { ScenarioSpec } from '../../scenario';

export const vdevIdReuseRacingUnbind: ScenarioSpec = {
  name: 'vdev-id-reuse-racing-unbind',
  description: 'device unbind (unset of its vdev id) racing set_dev_id of the same id for another device and a guest batch through the id',
  instances: [0],
  devices: [{ instance: 0, group: 0 }, { instance: 0, group: 1 }],
  domains: [],
  pages: 1,
  phys: 1,
  viommu: { vms: [{ instances: [0] }], vdevIds: 1, asids: 1 },
  setup: [['set_dev_id', 0, 0, 0], ['guest_set_ste', 0, 0, 0], ['guest_map', 0, 0, 0, 0], ['nested_dma', 0, 0]],
  threads: [
    { name: 'vfio', ops: [['unbind', 0]] },
    { name: 'vmm', ops: [['set_dev_id', 0, 0, 1]] },
    { name: 'guest', ops: [['guest_unmap', 0, 0, 0], ['guest_invalidate', 0, 0, 0]] },
  ],
  catches: [{ variant: 'unset-frees-id-early', invariant: 'vdev-id-unique' }],
};
