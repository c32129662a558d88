// Owns the documented equivalent mutants: a mutant that survives every scenario is either a gap in the
// scenarios (then a scenario is added to kill it) or equivalent — the change cannot alter any behaviour the
// model has — with the one-line reason in its subsystem's file under equivalent/. Keyed by mutant id
// ("op/operator/site"); a test checks that every id still names a mutant that survives (so the lists cannot go stale).
import type { Mutant } from './mutants';
import { domainsEquivalents } from './equivalent/domains';
import { flushEquivalents } from './equivalent/flush';
import { flushqueueEquivalents } from './equivalent/flushqueue';
import { pgtableEquivalents } from './equivalent/pgtable';
import { svaEquivalents } from './equivalent/sva';
import { ioasidEquivalents } from './equivalent/ioasid';
import { hypEquivalents } from './equivalent/hyp';
import { viommuEquivalents } from './equivalent/viommu';

const reasons: Record<string, string> = {
  ...domainsEquivalents, ...flushEquivalents, ...flushqueueEquivalents, ...pgtableEquivalents,
  ...svaEquivalents, ...ioasidEquivalents, ...hypEquivalents, ...viommuEquivalents,
};

export function equivalenceReason(mu: Pick<Mutant, 'id'>): string | undefined {
  return reasons[mu.id];
}

export function documentedEquivalents(): Readonly<Record<string, string>> {
  return reasons;
}
