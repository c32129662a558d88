// Owns the SVA policies that cut across operations, each a variant slot read with sys.variants.is: how the
// users of an SVA domain are counted (bind's get and unbind's put, and the access class of domain->users),
// how an mm's SVA domains are keyed (bind's lookup and the free's unpublish), and whether a domain pins its
// mm with mmgrab (bind's allocation and the free's mmdrop). Variants of one operation are in its own file.
import { policyVariants } from '../api/define';

policyVariants([
  { name: 'sva-domain-per-mm-instance', slot: 'sva_domain_key', subsystem: 'sva', faulty: false, isDefault: true,
    description: 'the SVA domains of an mm are kept per IOMMU instance: a device behind another instance gets its own domain' },
  { name: 'sva-domain-per-pasid', slot: 'sva_domain_key', subsystem: 'sva', faulty: true,
    description: 'the SVA domain is looked up by PASID alone (the RFC xarray), so a device behind another IOMMU instance reuses a domain that instance cannot attach' },
  { name: 'sva-put-refcount', slot: 'sva_put_user', subsystem: 'sva', faulty: false, isDefault: true,
    description: 'domain->users is a refcount_t: bind takes it with refcount_inc_not_zero, unbind drops it with refcount_dec_and_test outside iommu_sva_lock, then unpublishes (only if still published) and frees the domain under it' },
  { name: 'sva-put-under-lock', slot: 'sva_put_user', subsystem: 'sva', faulty: false,
    description: 'domain->users is a plain int: bind and unbind count users, and unbind frees the domain at zero, all under iommu_sva_lock (the upstream domain->users scheme)' },
  { name: 'sva-domain-mmgrab', slot: 'sva_mm_ref', subsystem: 'sva', faulty: false, isDefault: true,
    description: 'an SVA domain holds mmgrab on its mm from allocation to free, so the mm_struct and its PASID outlive every binding' },
  { name: 'sva-domain-no-mmgrab', slot: 'sva_mm_ref', subsystem: 'sva', faulty: true,
    description: 'the SVA domain keeps a bare mm pointer relying on the binder\'s mm_users, so process exit releases the mm_struct and its PASID while still bound' },
]);

/** The list position of an mm's SVA domain for a device behind `instance`: its instance, or 0 in the faulty per-PASID lookup. */
export function domainKey(perPasid: boolean, instance: number): number {
  return perPasid ? 0 : instance;
}
