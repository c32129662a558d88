// Owns the pKVM-style hypervisor IOMMU and its untrusted host (to be written; see issue 3).
export {};
