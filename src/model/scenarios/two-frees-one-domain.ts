// Scenario: two threads free the same domain by its id (as two iommufd destroy calls may): exactly one
// succeeds, the other gets -ENOENT, and the domain is never freed twice.
import type { ScenarioSpec } from '../scenario';

export const twoFreesOneDomain: ScenarioSpec = {
  name: 'two-frees-one-domain',
  description: 'two threads free one domain at once: one succeeds, one gets -ENOENT, no double free',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [{ owner: 0 }],
  pages: 1,
  phys: 1,
  threads: [
    { name: 'freer0', ops: [['domain_free', 0]] },
    { name: 'freer1', ops: [['domain_free', 0]] },
  ],
};
