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

const builtins: ScenarioSpec[] = [];

export function defineScenario(s: ScenarioSpec): void {
  if (builtins.some((b) => b.name === s.name)) throw new Error(`scenario ${s.name} defined twice`);
  builtins.push(validateScenario(s));
  noteOrigin('scenario', s.name);
}

[
  unmapRacingDmaWithSync, twoInstancesShareDomain, freeRacingAttachDetach, flushQueueIovaReuse, speculativeWalkRacingUnmap,
  twoDriversSyncOneQueue, groupMatesAttachDifferentDomains, attachRacingDetachGroupMate, twoFreesOneDomain, fqFlushRacingUnmapSync,
  twoDetachesOneDevice,
  ...svaScenarios, ...ioasidScenarios, ...hypScenarios, ...viommuScenarios,
].forEach(defineScenario);

export function allScenarios(): readonly ScenarioSpec[] {
  return builtins;
}

export function findScenario(name: string): ScenarioSpec {
  const s = builtins.find((b) => b.name === name);
  if (!s) throw new UsageError(`unknown scenario '${name}' (see 'iommu-check list scenarios')`);
  return s;
}
