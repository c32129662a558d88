// Owns the built-in scenarios of the IOASID (PASID) allocator: capacity, sets with quotas, notifiers.
import type { ScenarioSpec } from '../../scenario';

export const ioasidScenarios: ScenarioSpec[] = [];
