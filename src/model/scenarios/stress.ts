// Owns the list of stress scenarios: larger state spaces for the benchmark and `explore --file`-style runs,
// deliberately NOT registered as built-ins (their exhaustive runs take seconds to minutes, and npm test
// explores every built-in). `npm run bench` imports them from here.
import { validateScenario, type ScenarioSpec } from '../scenario';
import '../stack';
import { stressIndependentDomains } from './stress-independent-domains';
import { stressSharedDomain } from './stress-shared-domain';

export const stressScenarios: ScenarioSpec[] = [stressIndependentDomains(2), stressIndependentDomains(3), stressSharedDomain].map(validateScenario);
