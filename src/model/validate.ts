// Owns the checks shared by every part of a scenario (core fields and subsystem sections): each failure
// is a ScenarioError naming the offending field, as `scenario <name>.<field>: <what is wrong>`.
import { UsageError } from './variants';

export class ScenarioError extends UsageError {}

export function fail(where: string, what: string): never {
  throw new ScenarioError(`scenario ${where}: ${what}`);
}

export function int(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(where, `expected an integer, got ${JSON.stringify(v)}`);
  if (v < min || v > max) fail(where, `${v} is out of range ${min}..${max}`);
  return v;
}

export function list(v: unknown, where: string, min: number, max: number): unknown[] {
  if (!Array.isArray(v)) fail(where, `expected a list, got ${JSON.stringify(v)}`);
  if (v.length < min || v.length > max) fail(where, `expected ${min}..${max} entries, got ${v.length}`);
  return v;
}
