// Owns the iommufd-style vIOMMU: virtual device IDs, nested stage-1, guest invalidations (to be written; see issue 3).
export {};
