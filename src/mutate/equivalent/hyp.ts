// Owns the hyp subsystem's documented equivalent mutants (see ../equivalent.ts): mutant id -> why no behaviour
// of the model can tell it from the upstream operation. Mutants run under the default lock mode
// (hyp-lock-global): the reasons below are about that mode's instruction lists.
export const hypEquivalents: Record<string, string> = {
  'hyp_map/swap-steps/3':
    'domain->pgd is read under iommu_lock either way; the host stage-2 lock taken next protects only page owner and DMA refcount',
  'hyp_map/rmw-to-load-store/20':
    'under hyp-lock-global every writer of a pgd entry holds iommu_lock, so the cmpxchg64 cannot lose a race (the lockless mode is hyp-lockless-plain-install)',
  'hyp_unmap/swap-steps/17':
    'both under iommu_lock, which every CPU walker of the io-pgtable holds; the model has no SMMU table walker that could see the freed leaf table through the pgd entry',
  'hyp_alloc_domain/swap-steps/5':
    'domain state and refs are both written under iommu_lock, which every reader of either holds in hyp-lock-global',
  'hyp_alloc_domain/swap-steps/6':
    'domain refs and pgd are both written under iommu_lock, which every reader of either holds in hyp-lock-global',
  'hyp_free_domain/swap-steps/15':
    'memset of state and refs, both under iommu_lock, which every reader of either holds in hyp-lock-global',
  'hyp_free_domain/swap-steps/16':
    'memset of refs and pgd, both under iommu_lock, which every reader of either holds in hyp-lock-global',
  'hyp_free_domain/swap-steps/17':
    'the same swap as /15 in a two-entry leaf table (hyp-two-smmus-unmap-racing-free-of-sharer): memset of state and refs, both under iommu_lock, which every reader holds',
  'hyp_free_domain/swap-steps/18':
    'the same swap as /16 in a two-entry leaf table (hyp-two-smmus-unmap-racing-free-of-sharer): memset of refs and pgd, both under iommu_lock, which every reader holds',
  'hyp_detach/swap-steps/3':
    'power_is_off is written only under iommu_lock, held here; the STE clear and the power read commute',
  'hyp_attach/swap-steps/5':
    'the STE write and the refs load are both under iommu_lock, which every other accessor of either holds',
  'hyp_attach/swap-steps/7':
    'refs++ and the power_is_off load are both under iommu_lock, which every writer of either holds',
  'hyp_attach/drop-wait/12':
    'the STE replaced is abort (checked 0) and every detach completed its own CFGI_STE + CMD_SYNC, so a late CFGI only delays DMA; the model has no host-visible DMA',
  'hyp_attach/swap-steps/10':
    'the STE replaced is abort (checked 0) and every detach completed its own CFGI_STE + CMD_SYNC, so a late CFGI only delays DMA; the model has no host-visible DMA',
  'hyp_attach/swap-steps/11':
    'the STE replaced is abort (checked 0) and every detach completed its own CFGI_STE + CMD_SYNC, so a late CFGI only delays DMA; the model has no host-visible DMA',
  'hyp_iotlb_inv/drop-wait/5':
    'under iommu_lock no TLB holds a stale entry: every unmap completes its own TLBI + CMD_SYNC before dropping the lock, so the host-requested TLBI invalidates nothing the model tracks',
  'hyp_iotlb_inv/drop-invalidation/3':
    'under iommu_lock no TLB holds a stale entry: every unmap completes its own TLBI + CMD_SYNC before dropping the lock, so the host-requested TLBI invalidates nothing the model tracks',
  'hyp_iotlb_inv/swap-steps/3':
    'under iommu_lock no TLB holds a stale entry: every unmap completes its own TLBI + CMD_SYNC before dropping the lock, so the host-requested TLBI invalidates nothing the model tracks',
  'hyp_iotlb_inv/swap-steps/4':
    'under iommu_lock no TLB holds a stale entry: every unmap completes its own TLBI + CMD_SYNC before dropping the lock, so the host-requested TLBI invalidates nothing the model tracks',
  'hyp_power_on/swap-steps/1':
    'the queue is always empty when power_on takes iommu_lock (every send drains it under that lock, a powered-off SMMU is sent nothing), so the consumer cannot act between the two steps',
};
