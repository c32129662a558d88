// Owns the flushqueue subsystem's documented equivalent mutants (see ../equivalent.ts): mutant id -> why no behaviour
// of the model can tell it from the upstream operation.
export const flushqueueEquivalents: Record<string, string> = {
  'dma_map/swap-steps/11':
    'the IOVA is this thread\'s once marked in use, so nobody else maps it: reading its PTE inside or outside the allocator lock is the same',
  'fq_flush/swap-steps/19':
    'polling CONS for the CMD_SYNC while still holding the queue lock only delays other issuers: the consumer needs no lock',
};
