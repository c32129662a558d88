// Owns the built-in scenarios of the pKVM-style hypervisor IOMMU and its untrusted host.
import type { ScenarioSpec } from '../../scenario';
import { hypHostRacesOneIova } from './host-races-one-iova';
import { hypHostUnmapsOneIovaTwice } from './host-unmaps-one-iova-twice';
import { hypFreeAttachedDomainRacingMap } from './free-attached-domain-racing-map';
import { hypPowerOffRacingInvalidation } from './power-off-racing-invalidation';
import { hypHostMapsDonatedPage } from './host-maps-donated-page';
import { hypHostDonatesPageBeingUnshared } from './host-donates-page-being-unshared';
import { hypTwoSmmusUnmapRacingFreeOfSharer } from './two-smmus-unmap-racing-free-of-sharer';
import { hypHostAttachesWhileDetaching } from './host-attaches-while-detaching';
import { hypTwoSmmusAllocSharedDomain, hypTwoSmmusUnmapSharedDomain } from './two-smmus-share-domain';

export const hypScenarios: ScenarioSpec[] = [
  hypHostRacesOneIova, hypHostUnmapsOneIovaTwice, hypFreeAttachedDomainRacingMap, hypPowerOffRacingInvalidation, hypHostMapsDonatedPage,
  hypTwoSmmusAllocSharedDomain, hypTwoSmmusUnmapSharedDomain,
  hypHostDonatesPageBeingUnshared, hypTwoSmmusUnmapRacingFreeOfSharer, hypHostAttachesWhileDetaching,
];
