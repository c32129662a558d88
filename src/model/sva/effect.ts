// Owns one idiom of the SVA model: an instruction together with the bookkeeping its step does besides its one
// shared access — a KASAN check before it (a peek, a ghost), or the thread's handle written with it (the bond
// fields are the thread's own memory, class local). The granularity rule still checks the step as a whole.
import type { Ctx } from '../program';
import type { Instr } from '../api/instr';

export function withEffect(ins: Instr, effect: { before?: (c: Ctx) => void; after?: (c: Ctx) => void }): Instr {
  return {
    ...ins,
    run: (c) => {
      effect.before?.(c);
      const next = ins.run(c);
      effect.after?.(c);
      return next;
    },
  };
}
