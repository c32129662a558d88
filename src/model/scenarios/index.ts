// Owns the registry of built-in scenarios (one file each, named after the behaviour it pins down).
import '../stack';
import type { ScenarioSpec } from '../scenario';
import { validateScenario } from '../scenario';
import { UsageError } from '../variants';
import { noteOrigin } from '../origin';
import { unmapRacingDmaWithSync } from './unmap-racing-dma-with-sync';
import { twoInstancesShareDomain } from './two-instances-share-domain';
import { freeRacingAttachDetach } from './free-racing-attach-detach';
import { flushQueueIovaReuse } from './flush-queue-iova-reuse';
import { speculativeWalkRacingUnmap } from './speculative-walk-racing-unmap';
import { twoDriversSyncOneQueue } from './two-drivers-sync-one-queue';
import { groupMatesAttachDifferentDomains } from './group-mates-attach-different-domains';
import { attachRacingDetachGroupMate } from './attach-racing-detach-group-mate';
import { twoFreesOneDomain } from './two-frees-one-domain';
import { fqFlushRacingUnmapSync } from './fq-flush-racing-unmap-sync';
import { twoDetachesOneDevice } from './two-detaches-one-device';
import { svaScenarios } from './sva';
import { ioasidScenarios } from './ioasid';
import { hypScenarios } from './hyp';
import { viommuScenarios } from './viommu';

/** Each scenario as defined, and once asked for, validated. A module's own scenarios (--load) are validated when
 * defined, so that a bad one is an error at once; the built-ins, checked by the tests, only when a run asks for
 * them (validating all of them cost a short run's start-up several milliseconds). */
interface Entry {
  readonly raw: ScenarioSpec;
  spec?: ScenarioSpec;
}
const entries: Entry[] = [];
let everything: readonly ScenarioSpec[] | null = null;

function define(s: ScenarioSpec, validateNow: boolean): void {
  if (entries.some((e) => e.raw.name === s.name)) throw new Error(`scenario ${s.name} defined twice`);
  entries.push(validateNow ? { raw: s, spec: validateScenario(s) } : { raw: s });
  everything = null;
  noteOrigin('scenario', s.name);
}

export function defineScenario(s: ScenarioSpec): void {
  define(s, true);
}

[
  unmapRacingDmaWithSync, twoInstancesShareDomain, freeRacingAttachDetach, flushQueueIovaReuse, speculativeWalkRacingUnmap,
  twoDriversSyncOneQueue, groupMatesAttachDifferentDomains, attachRacingDetachGroupMate, twoFreesOneDomain, fqFlushRacingUnmapSync,
  twoDetachesOneDevice,
  ...svaScenarios, ...ioasidScenarios, ...hypScenarios, ...viommuScenarios,
].forEach((s) => define(s, false));

function validated(e: Entry): ScenarioSpec {
  return (e.spec ??= validateScenario(e.raw));
}

export function allScenarios(): readonly ScenarioSpec[] {
  return (everything ??= entries.map(validated));
}

/** Whether a scenario of this name is defined (built in, or by a loaded module). */
export function hasScenario(name: string): boolean {
  return entries.some((e) => e.raw.name === name);
}

export function findScenario(name: string): ScenarioSpec {
  const e = entries.find((b) => b.raw.name === name);
  if (!e) throw new UsageError(`unknown scenario '${name}' (see 'iommu-check list scenarios')`);
  return validated(e);
}
