// Owns the IOASID (PASID) allocator: capacity, sets with quotas, notifiers (to be written; see issue 3).
export {};
