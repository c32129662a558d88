// Owns attributing a violation to the faulty variants of its run: the same program must explore clean under
// the correct variants, else the violation is not theirs (a caller contract the generator misses, or a bug of
// the correct model). `npm test` asks the same of every corpus case.
import { buildModel } from '../src/model/model';
import { findVariant } from '../src/model/variants';
import { exploreDfs } from '../src/explorer/dfs';
import type { Counterexample } from '../src/result/format';

/**
 * Whether a counterexample found with faulty variants is theirs: its program explores clean (exhaustively,
 * within the state budget) under the correct variants. The corpus asks the same of every case.
 */
export function attribution(cx: Counterexample, stateBudget = 50_000): 'no-faulty-variant' | 'faulty-only' | 'fails-correct' | 'bounded' {
  const correct = cx.variants.filter((v) => !findVariant(v)?.faulty);
  if (correct.length === cx.variants.length) return 'no-faulty-variant';
  const r = exploreDfs(buildModel(cx.scenario, correct), { maxStates: stateBudget });
  return r.verdict === 'clean' ? 'faulty-only' : r.verdict === 'violation' ? 'fails-correct' : 'bounded';
}

