// Owns the sva subsystem's documented equivalent mutants (see ../equivalent.ts): mutant id -> why no behaviour
// of the model can tell it from the upstream operation.
export const svaEquivalents: Record<string, string> = {
  // bind's error-path frees are dead code with a refcount_t users: a device's PASID entry for mm is only set while a handle holds a user of that (published) domain
  'sva_bind/drop-put/31': 'found_busy.free is unreachable: a set PASID entry means another handle holds a user of the domain, so the error path\'s put is never the last',
  'sva_bind/rmw-to-load-store/31': 'found_busy.free is unreachable: a set PASID entry means another handle holds a user of the domain, so the error path\'s put is never the last',
  'sva_bind/drop-put/56': 'out_free_domain is unreachable: a set PASID entry means a handle holds a user of the published domain, so bind finds it (inc_not_zero succeeds) and never allocates',
  'sva_bind/rmw-to-load-store/56': 'out_free_domain is unreachable: a set PASID entry means a handle holds a user of the published domain, so bind finds it (inc_not_zero succeeds) and never allocates',
  'sva_bind/rmw-to-load-store/46': 'every other write of this mm_count while bind runs is under iommu_sva_lock (mmgrab, the free\'s mmdrop); __mmput\'s mmdrop cannot run while bind holds its get_task_mm reference',
  'sva_bind/swap-steps/45': 'the instance store is to a domain no other thread reaches yet, and mmgrab touches only mm_count: the two commute',
  'sva_bind/swap-steps/46': 'domain->mm is set on a domain nothing reaches yet (not in use for mm-outlives-binding), and bind\'s get_task_mm reference keeps mm_count above zero until the mmgrab',
  'sva_bind/swap-steps/47': 'domain->mm is set on a domain nothing reaches yet, and the PASID-entry read is under iommu_sva_lock (every writer holds it): the two commute',
  'sva_bind/swap-steps/50': 'both under iommu_sva_lock, which every reader of the mm\'s domain list holds; sva_dma reads only the PASID entry, which the swap does not move relative to any other thread',
  'sva_bind/swap-steps/72': 'mmput takes no lock and touches nothing iommu_sva_lock protects: running it before the unlock only removes interleavings',
  'sva_unbind/swap-steps/1': 'the iommu_mm value is never used (the model indexes PASID entries by mm), and the handle\'s user and the domain\'s mmgrab keep both objects alive across the lock',
  'sva_unbind/swap-steps/5': 'refcount_dec_and_test takes no lock: dropping the user before the unlock only removes interleavings (bind then sees a dying domain only after it)',
  'sva_unbind/swap-steps/19': 'after list_del and the PASID-entry clear nothing reaches the domain (freed slots are never reused), so its kfree needs no lock',
};
