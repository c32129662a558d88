// Scenario: the VMM unsets a vdev id while VFIO unbinds the same device and the guest's batch through that
// id (TLBI_NH_ASID + by-vdev + CMD_SYNC) fills the pSMMU's three-entry queue: one of unset/unbind releases the
// id (the other finds it dying), and its draining CMD_SYNC must wait for room behind the guest's batch.
import type { ScenarioSpec } from '../../scenario';

export const unsetRacingUnbindOnAFullQueue: ScenarioSpec = {
  name: 'unset-racing-unbind-on-a-full-queue',
  description: 'unset_dev_id and unbind of the same device racing a guest batch that fills the three-entry queue of their pSMMU',
  instances: [0],
  devices: [{ instance: 0, group: 0 }, { instance: 0, group: 1 }],
  domains: [],
  pages: 1,
  phys: 1,
  cmdqDepth: 3,
  viommu: { vms: [{ instances: [0] }], vdevIds: 2, asids: 1 },
  // device 1 has no vSTE (its by-vdev command drops nothing); device 0 caches the page through ASID 0
  setup: [['set_dev_id', 0, 0, 0], ['set_dev_id', 0, 1, 1], ['guest_set_ste', 0, 0, 0], ['guest_map', 0, 0, 0, 0], ['nested_dma', 0, 0]],
  threads: [
    { name: 'vmm', ops: [['unset_dev_id', 0, 1]] },
    { name: 'vfio', ops: [['unbind', 1]] },
    { name: 'guest', ops: [['guest_unmap', 0, 0, 0], ['guest_invalidate', 0, 0, 1]] },
  ],
};
