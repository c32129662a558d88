// Owns resolving the scenarios a command runs on: built-in names (and the stress scenarios, by name only),
// JSON files, or every built-in; each one's named variants are checked before any job runs.
import { readFileSync } from 'node:fs';
import { allScenarios, findScenario, hasScenario } from '../model/scenarios';
import { ScenarioError, validateScenario, type ScenarioSpec } from '../model/scenario';
import { checkScenarioVariants } from '../model/scenario-variants';
import { COUNTEREXAMPLE_FORMAT } from '../result/format';

export function loadScenarioFile(file: string): ScenarioSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if ((raw as { format?: unknown } | null)?.format === COUNTEREXAMPLE_FORMAT)
    throw new ScenarioError(`${file}: this is a counterexample, not a scenario: use \`iommu-check replay ${file}\``);
  try {
    const sc = validateScenario(raw);
    checkScenarioVariants(sc);
    return sc;
  } catch (e) {
    throw new ScenarioError(`${file}: ${(e as Error).message}`);
  }
}

/** A built-in scenario, or a stress scenario (not in the default run: `list scenarios` marks them). */
function scenarioNamed(name: string): ScenarioSpec {
  if (hasScenario(name)) return findScenario(name);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stress = (require('../model/scenarios/stress') as typeof import('../model/scenarios/stress')).stressScenarios;
  return stress.find((s) => s.name === name) ?? findScenario(name);
}

export function resolveScenarios(names: readonly string[], files: readonly string[]): ScenarioSpec[] {
  const fromFiles = files.map(loadScenarioFile);
  const named = names.length === 0 && fromFiles.length === 0 ? [...allScenarios()] : names.map(scenarioNamed);
  for (const sc of named) checkScenarioVariants(sc);
  return [...named, ...fromFiles];
}
