// Owns writing the --format outputs of a result (html, md, json, junit, sarif, itf) into a folder, the
// `--format` option every run command takes, and the GitHub annotations printed when GITHUB_ACTIONS=true.
import { InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { FORMATS, isFormat, type Format } from '../report/formats';
import type { SavedResult } from '../report/view';
import { printLine } from './print';

/** commander parser of a repeatable, comma-separated --format */
export function formatList(v: string, prev: Format[] = []): Format[] {
  const out = [...prev];
  for (const f of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!isFormat(f)) throw new InvalidArgumentError(`unknown format '${f}' (one of ${FORMATS.join(', ')})`);
    if (!out.includes(f)) out.push(f);
  }
  return out;
}

export const FORMAT_HELP = `also write the report as ${FORMATS.join('|')} (repeatable or comma-separated)`;

/**
 * Renders `saved` (read from, or written to, `file`) in each format into `outDir` (named `name`.*); prints one
 * annotation per violation when running under GitHub Actions. Returns the files written.
 */
export function writeOutputs(saved: SavedResult, file: string, outDir: string, name: string, formats: readonly Format[]): string[] {
  const annotate = process.env.GITHUB_ACTIONS === 'true';
  if (!formats.length && !annotate) return [];
  // loaded only when there is something to write (a run's start-up stays as it was)
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { viewOfSaved } = require('./saved') as typeof import('./saved');
  const { render } = require('../report/render') as typeof import('../report/render');
  const { githubAnnotations } = require('../report/annotations') as typeof import('../report/annotations');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const v = viewOfSaved(saved, file, outDir);
  const written: string[] = [];
  for (const f of formats) {
    for (const o of render(f, v, name)) {
      const path = join(outDir, o.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, o.text);
      written.push(path);
    }
  }
  if (annotate) for (const a of githubAnnotations(v, relative(process.cwd(), outDir) || '.')) printLine(a);
  return written;
}
