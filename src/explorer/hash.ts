// Re-exports the state fingerprints for the searches; their home is model/statehash.ts (next to the per-slot mixes
// the model's steps update them with). Plain bindings, not `export ... from`: the compiled form of the latter reads
// through a getter on every use of H in the hot loop.
import * as statehash from '../model/statehash';

export const H = statehash.H;
export const hash2 = statehash.hash2;
export const rememberHash = statehash.rememberHash;
export const fingerprint = statehash.fingerprint;
