// Scenario: two users attach and detach devices while a third frees the domain.
import type { ScenarioSpec } from '../scenario';

export const freeRacingAttachDetach: ScenarioSpec = {
  name: 'free-racing-attach-detach',
  description: 'domain_free racing two attach/detach users and the DMA of an attached device',
  instances: [0],
  devices: [{ instance: 0, group: 0 }, { instance: 0, group: 1 }],
  domains: [{ owner: 0 }],
  pages: 1,
  phys: 1,
  setup: [['map', 0, 0, 0]],
  threads: [
    { name: 'user0', ops: [['attach', 0, 0], ['dma', 0, 0], ['detach', 0]] },
    { name: 'user1', ops: [['attach', 1, 0], ['detach', 1]] },
    { name: 'freer', ops: [['domain_free', 0]] },
  ],
  catches: [
    { variant: 'free-ignores-attach-count', invariant: 'no-domain-freed-while-attached' },
    { variant: 'detach-double-put', invariant: 'refcount-sane' },
  ],
};
