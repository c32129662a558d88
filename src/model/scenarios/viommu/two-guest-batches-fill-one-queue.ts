// Scenario: two vCPUs of one guest each send a batch to the one pSMMU, whose queue holds four commands: one
// through a free vdev id (TLBI_NH_ASID + CMD_SYNC), one through a bound one (+ the by-vdev command). The
// second batch must wait for the consumer to make room before writing, or it overwrites the first batch's
// TLBI before the SMMU executed it.
import type { ScenarioSpec } from '../../scenario';

export const twoGuestBatchesFillOneQueue: ScenarioSpec = {
  name: 'two-guest-batches-fill-one-queue',
  description: 'two guest batches (2 and 3 commands) on a four-entry pSMMU queue, after the guest unmapped a page a device has cached',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [],
  pages: 1,
  phys: 1,
  cmdqDepth: 4,
  viommu: { vms: [{ instances: [0] }], vdevIds: 2, asids: 1 },
  setup: [['set_dev_id', 0, 0, 0], ['guest_set_ste', 0, 0, 0], ['guest_map', 0, 0, 0, 0], ['nested_dma', 0, 0]],
  threads: [
    { name: 'vcpu0', ops: [['guest_unmap', 0, 0, 0], ['guest_invalidate', 0, 0, 1]] },
    { name: 'vcpu1', ops: [['guest_invalidate', 0, 0, 0]] },
  ],
};
