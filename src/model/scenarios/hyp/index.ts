// Owns the built-in scenarios of the pKVM-style hypervisor IOMMU and its untrusted host.
import type { ScenarioSpec } from '../../scenario';

export const hypScenarios: ScenarioSpec[] = [];
