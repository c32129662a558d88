// Owns the built-in scenarios of the iommufd-style vIOMMU: virtual device IDs, nested stage-1, guest invalidations.
import type { ScenarioSpec } from '../../scenario';

export const viommuScenarios: ScenarioSpec[] = [];
