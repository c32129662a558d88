// Owns the built-in scenarios of the pKVM-style hypervisor IOMMU and its untrusted host.
import type { ScenarioSpec } from '../../scenario';
import { hypHostRacesOneIova } from './host-races-one-iova';
import { hypHostUnmapsOneIovaTwice } from './host-unmaps-one-iova-twice';
import { hypFreeAttachedDomainRacingMap } from './free-attached-domain-racing-map';
import { hypPowerOffRacingInvalidation } from './power-off-racing-invalidation';
import { hypHostMapsDonatedPage } from './host-maps-donated-page';
import { hypTwoSmmusAllocSharedDomain, hypTwoSmmusUnmapSharedDomain } from './two-smmus-share-domain';

export const hypScenarios: ScenarioSpec[] = [
  hypHostRacesOneIova, hypHostUnmapsOneIovaTwice, hypFreeAttachedDomainRacingMap, hypPowerOffRacingInvalidation, hypHostMapsDonatedPage,
  hypTwoSmmusAllocSharedDomain, hypTwoSmmusUnmapSharedDomain,
];
