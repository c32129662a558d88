// Owns the sva subsystem's documented equivalent mutants (see ../equivalent.ts): mutant id -> why no behaviour
// of the model can tell it from the upstream operation.
export const svaEquivalents: Record<string, string> = {
};
