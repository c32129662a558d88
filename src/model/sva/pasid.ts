// Owns the mm's PASID, as drivers/iommu/iommu-sva.c and iommu.c have it: iommu_alloc_mm_data (under
// iommu_sva_lock: reuse mm->iommu_mm, else iommu_alloc_global_pasid from the global IDA and publish
// mm->iommu_mm with smp_store_release) and mm_pasid_drop (in __mmdrop: iommu_free_global_pasid).
import type { Ctx } from '../program';
import type { Builder } from '../api/builder';
import type { Item, Local } from '../api/instr';
import { touchMm } from './state';
import { withEffect } from './effect';

type MmOf = (c: Ctx) => number;

/**
 * iommu_alloc_mm_data(mm): the mm's PASID + 1 into `pasid`, allocating the lowest free one at first bind;
 * goes to `enospc` when the PASID space is full. The caller holds iommu_sva_lock.
 */
export function allocMmDataSteps(b: Builder, mm: MmOf, pasid: Local, enospc: string): Item[] {
  const f = (c: Ctx) => c.sys.sva;
  return [
    withEffect(b.load('iommu_mm = mm->iommu_mm', pasid, (c) => f(c).mmPasid(mm(c))), { before: (c) => void touchMm(c, mm(c)) }),
    b.jumpIf((c) => pasid.get(c) !== 0, 'iommu_alloc_mm_data.done'),
    // kzalloc(iommu_mm): a fresh object, no shared access
    b.atomic('iommu_alloc_global_pasid: ida_alloc_range', 'the IDA allocates under its own lock: one step that finds and takes a free id', (c) => {
      pasid.set(c, 0);
      for (let p = 0; p < f(c).P; p++)
        if (c.w.get(f(c).pasidOwner(p)) === 0) {
          c.w.set(f(c).pasidOwner(p), mm(c) + 1);
          pasid.set(c, p + 1);
          return;
        }
    }),
    b.jumpIf((c) => pasid.get(c) === 0, enospc),
    b.store('smp_store_release(&mm->iommu_mm, iommu_mm)', (c) => f(c).mmPasid(mm(c)), (c) => pasid.get(c)),
    b.label('iommu_alloc_mm_data.done'),
  ];
}

/**
 * mm_pasid_drop(mm), from __mmdrop: read mm->iommu_mm and give its PASID back to the IDA (the mm_struct is
 * being freed, so its iommu_mm is left as it was). Goes to `done` when the mm never had a PASID.
 */
export function freeGlobalPasidSteps(b: Builder, mm: MmOf, p: Local, done: string): Item[] {
  const f = (c: Ctx) => c.sys.sva;
  return [
    b.load('mm_pasid_drop: iommu_mm = mm->iommu_mm', p, (c) => f(c).mmPasid(mm(c))),
    b.jumpIf((c) => p.get(c) === 0, done),
    b.store('iommu_free_global_pasid: ida_free', (c) => f(c).pasidOwner(p.get(c) - 1), 0),
  ];
}
