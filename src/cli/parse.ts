// Owns the command-line value parsers shared by every command (bad values become usage errors, exit 2).
import { InvalidArgumentError } from 'commander';

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** A positive integer of at most `max`, `what` naming the limit in the error. */
export function boundedInt(max: number, what: string): (v: string) => number {
  return (v) => {
    const n = positiveInt(v);
    if (n > max) throw new InvalidArgumentError(`at most ${max} (${what})`);
    return n;
  };
}

export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)];
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The one duration syntax of every --time/--budget-like flag: plain seconds ("90", "1.5") or one or more
 * number+unit parts, largest first ("90s", "10m", "1.5h", "500ms", "1h30m", "2m30s") -> milliseconds (> 0).
 */
export function parseDuration(v: string): number {
  const s = v.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return positiveMs(Number(s) * 1000);
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  const units = parts.map((p) => p[2]);
  const ordered = units.every((u, i) => i === 0 || durationUnits[units[i - 1]] > durationUnits[u]);
  if (!parts.length || parts.map((p) => p[0]).join('') !== s || !ordered) throw durationError();
  return positiveMs(parts.reduce((ms, p) => ms + Number(p[1]) * durationUnits[p[2]], 0));
}

function positiveMs(ms: number): number {
  if (!(ms >= 1) || !Number.isFinite(ms)) throw durationError();
  return Math.round(ms);
}

function durationError(): InvalidArgumentError {
  return new InvalidArgumentError('expected a duration such as 90, 90s, 10m, 1h30m or 500ms');
}
