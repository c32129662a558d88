// Owns the viommu subsystem's documented equivalent mutants (see ../equivalent.ts): mutant id -> why no behaviour
// of the model can tell it from the upstream operation.
export const viommuEquivalents: Record<string, string> = {
  'set_dev_id/swap-steps/14':
    'releasing two held locks in the other order: nothing runs between the two unlocks, and waiting for either lock never holds the other against it',
  'unset_dev_id/swap-steps/6':
    'the rwsem held a step longer, into spin_lock(cmdq->lock): no holder of a queue lock ever waits for the rwsem, so it only delays',
  'unbind/swap-steps/10':
    'the rwsem held a step longer, into spin_lock(cmdq->lock): no holder of a queue lock ever waits for the rwsem, so it only delays',
  'unset_dev_id/swap-steps/11':
    'polling CONS for the CMD_SYNC while still holding the queue lock only delays other issuers: the consumer needs no lock',
  'unbind/swap-steps/15':
    'polling CONS for the CMD_SYNC while still holding the queue lock only delays other issuers: the consumer needs no lock',
  'unset_dev_id/swap-steps/12':
    'taking the rwsem for writing before polling CONS only delays readers and writers: the CMD_SYNC is already queued and the consumer needs no lock',
  'unbind/swap-steps/16':
    'taking the rwsem for writing before polling CONS only delays readers and writers: the CMD_SYNC is already queued and the consumer needs no lock',
  'unset_dev_id/swap-steps/14':
    'the xarray slot is written only under the rwsem for writing, held across both steps: loading it before or after taking the group mutex reads the same',
  'unbind/swap-steps/18':
    'the xarray slot is written only under the rwsem for writing, held across both steps: loading it before or after taking the group mutex reads the same',
};
