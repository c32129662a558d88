// Owns the documented equivalent mutants: a mutant that survives every scenario is either a gap in the
// scenarios (then a scenario is added to kill it) or equivalent — the change cannot alter any behaviour the
// model has — with the one-line reason here. Keyed by mutant id ("op/operator/site"); a test checks that every
// id still names a mutant that survives (so the list cannot go stale).
import type { Mutant } from './mutants';

const reasons: Record<string, string> = {
  'attach/swap-steps/13': 'the STE write and the attach-count load are both under the domain lock and the group mutex, which every other writer of either holds',
  'attach/swap-steps/27': 'releasing two held locks in the other order: nothing runs between the two unlocks, and no thread takes the group mutex while holding the domain lock',
  'detach/swap-steps/4': 'the STE clear and the attach-count load are both under the domain lock and the group mutex, which every other writer of either holds',
  'dma_map/swap-steps/11': 'the IOVA is this thread\'s once marked in use, so nobody else maps it: reading its PTE inside or outside the allocator lock is the same',
  'iotlb_sync/swap-steps/13': 'polling CONS for the CMD_SYNC while still holding the queue lock only delays other issuers: the consumer needs no lock',
  'fq_flush/swap-steps/19': 'polling CONS for the CMD_SYNC while still holding the queue lock only delays other issuers: the consumer needs no lock',
};

export function equivalenceReason(mu: Pick<Mutant, 'id'>): string | undefined {
  return reasons[mu.id];
}

export function documentedEquivalents(): Readonly<Record<string, string>> {
  return reasons;
}
