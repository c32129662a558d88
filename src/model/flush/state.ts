// Owns the state of the TLB flush interface: each thread's gather (the pages range_added for a domain and
// not yet synced, a local of the caller as struct iommu_iotlb_gather is), and the iotlb_sync policy slot
// (wait for CMD_SYNC, or the faulty variants that do not wait or reach one instance only).
import type { Index2, LayoutBuilder } from '../layout';
import type { Ctx } from '../program';
import { defineSubsystem, type System } from '../system';
import { policyVariants } from '../api/define';
import { watchPage } from '../pgtable/state';
import { setPrinter } from '../printers';

export interface FlushFields {
  /** pages range_added to a thread's gather for a domain, not yet synced */
  gather: Index2;
}

declare module '../system' {
  interface System {
    fl: FlushFields;
  }
}

defineSubsystem({
  name: 'flush',
  declare(b: LayoutBuilder, sys: System) {
    const T = sys.threads, D = sys.scenario.domains.length;
    const th = (t: number) => `thread[${t}]`;
    sys.fl = { gather: b.matrix('gather', T, D, th) };
    b.access('gather', 'local');
    b.print('gather', setPrinter('page'));
  },
});

policyVariants([
  { name: 'sync-waits-for-cmd-sync', slot: 'iotlb_sync', subsystem: 'flush', faulty: false, isDefault: true,
    description: 'iotlb_sync/flush_tlb_all queue the TLBIs and a CMD_SYNC on every serving instance and wait for each' },
  { name: 'sync-no-wait', slot: 'iotlb_sync', subsystem: 'flush', faulty: true,
    description: 'iotlb_sync returns once the CMD_SYNC is queued, before the hardware has consumed it' },
  { name: 'sync-one-instance', slot: 'iotlb_sync', subsystem: 'flush', faulty: true,
    description: 'iotlb_sync flushes only the domain\'s first instance when the domain is attached through two' },
]);

/** After unmapping (d, p): this thread's next sync must cover it (ghost); into the gather if range_added. */
export function gatherPage(c: Ctx, d: number, p: number, intoGather: boolean): void {
  const f = c.sys.fl;
  watchPage(c, d, p);
  if (intoGather) c.w.set(f.gather(c.t, d), c.w.get(f.gather(c.t, d)) | (1 << p));
}

/** Of the instances serving domain d (mask), the ones a flush reaches under the iotlb_sync variant. */
export function flushTargets(c: Ctx, d: number, mask: number): number {
  if (!c.sys.variants.is('sync-one-instance') || mask === 0) return mask;
  const owner = c.sys.dom.owner[d];
  return mask & (1 << owner) ? 1 << owner : mask & -mask;
}
