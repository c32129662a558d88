// Scenario: a device attaches to the domain its group mate is being detached from: the group mutex and the
// domain lock are taken in one order by both, so neither waits for the other forever.
import type { ScenarioSpec } from '../scenario';

export const attachRacingDetachGroupMate: ScenarioSpec = {
  name: 'attach-racing-detach-group-mate',
  description: 'attach of a device racing the detach of its group mate from the same domain (lock order group -> domain)',
  instances: [0],
  devices: [{ instance: 0, group: 0 }, { instance: 0, group: 0 }],
  domains: [{ owner: 0 }],
  pages: 1,
  phys: 1,
  setup: [['attach', 1, 0]],
  threads: [
    { name: 'attacher', ops: [['attach', 0, 0]] },
    { name: 'detacher', ops: [['detach', 1]] },
  ],
};
