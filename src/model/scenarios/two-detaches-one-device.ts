// Scenario: two threads detach the same device at once: the group mutex makes one of them find it already
// detached (-ENODEV), so the domain's attach count drops once.
import type { ScenarioSpec } from '../scenario';

export const twoDetachesOneDevice: ScenarioSpec = {
  name: 'two-detaches-one-device',
  description: 'two threads detach one device at once: one detaches it, the other gets -ENODEV; one put',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [{ owner: 0 }],
  pages: 1,
  phys: 1,
  setup: [['attach', 0, 0]],
  threads: [
    { name: 'detacher0', ops: [['detach', 0]] },
    { name: 'detacher1', ops: [['detach', 0]] },
  ],
};
