// Scenario: two devices of one IOMMU group are attached at once to two different domains: exactly one attach
// may succeed (the group is the unit of isolation), the other gets -EBUSY.
import type { ScenarioSpec } from '../scenario';

export const groupMatesAttachDifferentDomains: ScenarioSpec = {
  name: 'group-mates-attach-different-domains',
  description: 'two devices of one group attach to two different domains at once: one must fail with -EBUSY',
  instances: [0],
  devices: [{ instance: 0, group: 0 }, { instance: 0, group: 0 }],
  domains: [{ owner: 0 }, { owner: 0 }],
  pages: 1,
  phys: 1,
  threads: [
    { name: 'driver0', ops: [['attach', 0, 0]] },
    { name: 'driver1', ops: [['attach', 1, 1]] },
  ],
};
