// Owns resolving the scenarios a command runs on: built-in names, JSON files, or every built-in.
import { readFileSync } from 'node:fs';
import { allScenarios, findScenario } from '../model/scenarios';
import { ScenarioError, validateScenario, type ScenarioSpec } from '../model/scenario';

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
  try {
    return validateScenario(raw);
  } catch (e) {
    throw new ScenarioError(`${file}: ${(e as Error).message}`);
  }
}

export function resolveScenarios(names: readonly string[], files: readonly string[]): ScenarioSpec[] {
  const fromFiles = files.map(loadScenarioFile);
  if (names.length === 0 && fromFiles.length === 0) return [...allScenarios()];
  return [...names.map(findScenario), ...fromFiles];
}
