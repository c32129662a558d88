// Owns the domains subsystem's documented equivalent mutants (see ../equivalent.ts): mutant id -> why no behaviour
// of the model can tell it from the upstream operation.
export const domainsEquivalents: Record<string, string> = {
  'attach/swap-steps/13':
    'the STE write and the attach-count load are both under the domain lock and the group mutex, which every other writer of either holds',
  'attach/swap-steps/27':
    'releasing two held locks in the other order: nothing runs between the two unlocks, and no thread takes the group mutex while holding the domain lock',
  'detach/swap-steps/4':
    'the STE clear and the attach-count load are both under the domain lock and the group mutex, which every other writer of either holds',
};
