// Scenario: the DMA API unmaps through the deferred flush queue and maps again at once.
import type { ScenarioSpec } from '../scenario';

export const flushQueueIovaReuse: ScenarioSpec = {
  name: 'flush-queue-iova-reuse',
  description: 'dma_map, dma_unmap through the flush queue, dma_map again, racing the device and the queue\'s timer',
  instances: [0],
  devices: [{ instance: 0, group: 0 }],
  domains: [{ owner: 0 }],
  pages: 2,
  phys: 2,
  setup: [['attach', 0, 0]],
  threads: [
    { name: 'driver', ops: [['dma_map', 0, 0], ['dma_unmap', 0], ['dma_map', 0, 1]] },
    { name: 'device', ops: [['dma', 0, 0], ['dma', 0, 0]] },
    { name: 'fq-timer', ops: [['fq_flush', 0]] },
  ],
  catches: [{ variant: 'fq-reuse-before-flush', invariant: 'isolation' }],
};
