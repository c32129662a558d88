// Owns the flush subsystem's documented equivalent mutants (see ../equivalent.ts): mutant id -> why no behaviour
// of the model can tell it from the upstream operation.
export const flushEquivalents: Record<string, string> = {
  'iotlb_sync/swap-steps/13':
    'polling CONS for the CMD_SYNC while still holding the queue lock only delays other issuers: the consumer needs no lock',
};
