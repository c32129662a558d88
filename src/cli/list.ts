// Owns `iommu-check list`: scenarios, variants, invariants and operations, one line each.
import { Command, Argument } from 'commander';
import { allScenarios } from '../model/scenarios';
import { stressScenarios } from '../model/scenarios/stress';
import { allVariants } from '../model/variants';
import { allInvariants } from '../invariants';
import { allOps } from '../model/ops';
import { textTable } from '../report/table';
import { printLine } from './print';

const KINDS = ['scenarios', 'variants', 'invariants', 'ops'] as const;

export function listLines(kind: (typeof KINDS)[number]): string {
  switch (kind) {
    case 'scenarios':
      return textTable([['scenario', 'threads', 'catches', 'description'], ...allScenarios().map((s) =>
        [s.name, String(s.threads.length), (s.catches ?? []).map((c) => c.variant).join(', '), s.description]),
      ...stressScenarios.map((s) => [s.name, String(s.threads.length), '', `(stress: run it by name, not part of a default run) ${s.description}`])]);
    case 'variants':
      return textTable([['variant', 'kind', 'replaces', 'subsystem', 'description'], ...allVariants().map((v) =>
        [v.name, v.faulty ? 'FAULTY' : v.isDefault ? 'default' : 'correct', v.slot, v.subsystem, v.description])]);
    case 'invariants':
      return textTable([['invariant', 'family', 'description'], ...allInvariants().map((i) => [i.id, i.family, i.description])]);
    case 'ops':
      return textTable([['operation', 'subsystem', 'arguments', 'description'], ...allOps().map((o) =>
        [o.name, o.subsystem, o.params.map((p) => p.name).join(', '), o.description])]);
  }
}

export function listCommand(): Command {
  return new Command('list')
    .description('list built-in scenarios, variants, invariants and operations, each with a one-line description')
    .addArgument(new Argument('[what]', 'what to list (default: everything)').choices(KINDS))
    .action((what?: (typeof KINDS)[number]) => {
      const kinds = what ? [what] : KINDS;
      printLine(kinds.map((k) => `${k.toUpperCase()}\n${listLines(k)}`).join('\n\n'));
    });
}
