// Owns `iommu-check report FILE`: re-render a saved result (a run's JSON report from explore, verify, merge,
// fuzz or nightly, or one counterexample file) as html, md, json, junit, sarif or itf, into the file's folder
// or -o DIR. A file that is not such a result, or an unknown format: one line, exit 2.
import { Command } from 'commander';
import { basename, dirname } from 'node:path';
import { UsageError } from '../model/variants';
import type { Format } from '../report/formats';
import { FORMAT_HELP, formatList, writeOutputs } from './outputs';
import { checkOutDir } from './output';
import { readSaved } from './saved';
import { printLine } from './print';

export function reportCommand(): Command {
  return new Command('report')
    .description('re-render a saved result (report JSON or counterexample file) as html, md, json, junit, sarif or itf')
    .argument('<file>', 'a report JSON (explore.json, verify.json, merge.json, fuzz.json, nightly explore.json) or a counterexample file')
    .option('--format <format>', `${FORMAT_HELP} (default html)`, formatList)
    .option('-o, --out <dir>', 'where to write (default: the file\'s folder)')
    .action((file: string, f: { format?: Format[]; out?: string }) => {
      const out = f.out ?? dirname(file);
      checkOutDir(out);
      const saved = readSaved(file);
      const name = basename(file).replace(/(\.min)?\.json$/, '');
      if (!name) throw new UsageError(`report: '${file}': no file name`);
      for (const p of writeOutputs(saved, file, out, name, f.format ?? ['html'])) printLine(p);
    });
}
