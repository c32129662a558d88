// Owns the ioasid subsystem's documented equivalent mutants (see ../equivalent.ts): mutant id -> why no behaviour
// of the model can tell it from the upstream operation. Most are inside ioasid_allocator_lock, which every
// operation takes around its whole body and every writer of the fields involved holds, and no invariant reads
// the fields involved in mid-operation. Ids are positions in the op's list as laid out with the default
// subscribers (iommu + kvm, one guest PASID) or, for ioasid_free's /25 /26 /27, with the IOMMU the only one.
const XA_LOCK = 'xa_lock is redundant: every xa_alloc / xa_erase runs under ioasid_allocator_lock, and nothing reads the xarray without it';
const REFS = 'data->refs is only read and written under ioasid_allocator_lock (held across the step), and no invariant reads it';
const SET_REFS = 'set->refs is only read and written under ioasid_allocator_lock (find_sid, put_sid, destroy), so the RMW cannot interleave';
const LAST_PUT = 'the stale local left by the dropped dec is the xa_load result 1, so it releases exactly as the last put does (the bind ref is always the last one: one binding per PASID), and a released ioasid_data\'s refs is never read before xa_alloc resets it';

export const ioasidEquivalents: Record<string, string> = {
  'ioasid_alloc/drop-lock/8': XA_LOCK,
  'ioasid_free/drop-lock/25': XA_LOCK,
  'ioasid_free/drop-lock/29': XA_LOCK,
  'ioasid_free_set/drop-lock/31': XA_LOCK,
  'ioasid_free/swap-steps/25': XA_LOCK,
  'ioasid_free/swap-steps/26': XA_LOCK,
  'ioasid_free/swap-steps/27': XA_LOCK,
  'ioasid_free/swap-steps/31': XA_LOCK,
  'ioasid_free_set/swap-steps/31': XA_LOCK,
  'ioasid_free_set/swap-steps/32': XA_LOCK,
  'ioasid_free_set/swap-steps/33': XA_LOCK,
  'ioasid_alloc/swap-steps/3': 'two loads into different locals under ioasid_allocator_lock, which every writer of set->quota and set->nr_ioasids holds',
  'ioasid_alloc/swap-steps/16': 'two initialising stores to the fresh ioasid_data before its entry is stored; its readers all hold ioasid_allocator_lock',
  'ioasid_alloc/swap-steps/17': 'refcount_set after the entry store: data->refs is only read under ioasid_allocator_lock, held across both, and by no invariant',
  'ioasid_alloc/swap-steps/25': 'data->state and set->nr_ioasids are different fields under ioasid_allocator_lock, and only read under it',
  'ioasid_bind/swap-steps/6': 'two loads into different locals under ioasid_allocator_lock, which every writer of data->set and the PASID entry holds',
  'ioasid_bind/swap-steps/11': REFS,
  'ioasid_bind/rmw-to-load-store/11': REFS,
  'ioasid_bind/swap-steps/12': 'entry and KVM translation of an ACTIVE PASID of the same set, under the lock: pasid-unique sees one owner either way, and no DMA or guest walk uses them',
  'ioasid_free/swap-steps/10': 'the FREE_PENDING store and the refcount dec touch different fields only accessed under ioasid_allocator_lock',
  'ioasid_free_set/swap-steps/11': 'the FREE_PENDING store and the refcount dec touch different fields only accessed under ioasid_allocator_lock',
  'ioasid_free/swap-steps/16': 'the entry clear does not use the local the xa_load fills, and nobody writes the xarray while ioasid_allocator_lock is held',
  'ioasid_free_set/swap-steps/17': 'the entry clear does not use the local the xa_load fills, and nobody writes the xarray while ioasid_allocator_lock is held',
  'ioasid_free/rmw-to-load-store/11': REFS,
  'ioasid_free/rmw-to-load-store/19': REFS,
  'ioasid_free_set/rmw-to-load-store/12': REFS,
  'ioasid_free_set/rmw-to-load-store/20': REFS,
  'ioasid_free/drop-put/19': LAST_PUT,
  'ioasid_free_set/drop-put/20': LAST_PUT,
  'ioasid_free_set/swap-steps/53': 'set->free_pending and set->nr_ioasids are different fields under ioasid_allocator_lock, and only read under it',
  'ioasid_find_sid/rmw-to-load-store/6': SET_REFS,
  'ioasid_put_sid/rmw-to-load-store/2': SET_REFS,
};
