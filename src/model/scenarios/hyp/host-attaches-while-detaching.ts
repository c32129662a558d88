// Scenario: the host detaches a stream and frees its domain while another CPU attaches the stream.
import type { ScenarioSpec } from '../../scenario';
import { noCoreStack } from './no-core-stack';

export const hypHostAttachesWhileDetaching: ScenarioSpec = {
  ...noCoreStack,
  name: 'hyp-host-attaches-while-detaching',
  description: 'one CPU detaches stream 0 and frees the domain while another attaches the stream to it: the STE and the domain state are read and written only under the lock, and the domain keeps one reference per attached STE',
  threads: [
    { name: 'detacher', ops: [['hyp_detach', 0, 0], ['hyp_free_domain', 0, 0]] },
    { name: 'attacher', ops: [['hyp_attach', 0, 0, 0]] },
  ],
  hyp: { smmus: 1, domains: 1, tablePages: 1, memory: ['host'] },
  setup: [['hyp_alloc_domain', 0, 0]],
  alternatives: [['hyp-lock-per-iommu'], ['hyp-lockless-refcount']],
};
