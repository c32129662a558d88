// Stress scenario (benchmark only, not in the built-in list so `npm test` stays fast): N drivers each
// unmap_sync a page of their own domain, behind their own instance, racing their own device's DMA — the
// pairs never touch a common object, the case where partial-order reduction should cut the most.
import type { ScenarioSpec } from '../scenario';

export function stressIndependentDomains(n: number): ScenarioSpec {
  const idx = [...Array(n).keys()];
  return {
    name: `stress-independent-domains-${n}`,
    description: `${n} independent driver/device pairs, each unmap_sync racing DMA on its own domain and instance`,
    instances: idx.map((i) => i),
    devices: idx.map((i) => ({ instance: i, group: i })),
    domains: idx.map((i) => ({ owner: i })),
    pages: 1,
    phys: n,
    setup: idx.flatMap((i) => [['attach', i, i], ['map', i, 0, i], ['dma', i, 0]]),
    threads: idx.flatMap((i) => [
      { name: `driver${i}`, ops: [['unmap_sync', i, 0, 1]] },
      { name: `device${i}`, ops: [['dma', i, 0], ['dma', i, 0]] },
    ]),
  };
}
