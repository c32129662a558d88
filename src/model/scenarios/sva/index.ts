// Owns the built-in scenarios of SVA: process address spaces (mm) bound to devices through SVA domains.
import type { ScenarioSpec } from '../../scenario';

export const svaScenarios: ScenarioSpec[] = [];
