// Owns the corpus of saved cases (corpus/): the identity of a case (variants, invariant and minimized trace),
// its file name, and adding new minimized fuzz cases that are not there yet and that meet what `npm test`
// asks of every case (the recorded verdict replays; the same program explores clean under the correct variants).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCounterexample, type Counterexample } from '../src/explorer/counterexample';
import { replayCounterexample } from '../src/explorer/replay';
import { attribution } from './attribution';

/** Variants, invariant and the minimized trace (thread, operation, atomic step of each step): equal keys, equal cases. */
export function caseKey(cx: Counterexample): string {
  const steps = cx.trace.map((t) => `${t.thread}:${t.op}:${t.step}`).join('\n');
  return `${[...cx.variants].sort().join('+')}|${cx.violation?.invariant ?? 'clean'}|${steps}`;
}

export function caseHash(cx: Counterexample): string {
  return createHash('sha256').update(caseKey(cx)).digest('hex').slice(0, 8);
}

/** `<scenario>--<variants>--<invariant>.json`, the scenario named after its template and its key's hash. */
export function caseFileName(cx: Counterexample): string {
  return `${cx.scenario.name}--${cx.variants.join('+') || 'default'}--${cx.violation?.invariant ?? 'clean'}.json`.replace(/[^a-zA-Z0-9.+_-]/g, '_');
}

/** The counterexample renamed for the corpus: `<template>-fuzz-<hash>`, so that distinct cases never share a file. */
export function forCorpus(cx: Counterexample): Counterexample {
  const base = cx.scenario.name.replace(/-fuzz(-[0-9a-f]{8})?$/, '');
  return { ...cx, scenario: { ...cx.scenario, name: `${base}-fuzz-${caseHash(cx)}` } };
}

export function corpusKeys(dir: string): Set<string> {
  if (!existsSync(dir)) return new Set();
  return new Set(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => caseKey(loadCounterexample(join(dir, f)))));
}

export type AddOutcome = { added: string; corpus?: string } | { skipped: 'duplicate' | 'not-reproduced' | 'fails-correct' | 'bounded' | 'no-faulty-variant' };

/** Adds a case to the corpus unless an equal one is there or `npm test` would reject it. */
export function addToCorpus(dir: string, cx: Counterexample, keys = corpusKeys(dir), stateBudget = 50_000): AddOutcome {
  const c = forCorpus(cx);
  const key = caseKey(c);
  if (keys.has(key)) return { skipped: 'duplicate' };
  if (!replayCounterexample(c).reproduced) return { skipped: 'not-reproduced' };
  const a = attribution(c, stateBudget);
  if (a !== 'faulty-only') return { skipped: a };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, caseFileName(c));
  writeFileSync(file, JSON.stringify(c, null, 1) + '\n');
  keys.add(key);
  return { added: file };
}
