import { buildModel } from '../src/model/model';
import { allScenarios } from '../src/model/scenarios';
import { exploreDfs } from '../src/explorer/dfs';
import { exploreBfs } from '../src/explorer/bfs';
for (const sc of allScenarios()) {
  for (const v of [[], ...(sc.alternatives ?? []), ...(sc.catches ?? []).map((c) => [c.variant])]) {
    const m = buildModel(sc, v);
    const r = exploreDfs(m);
    const b = r.violation ? exploreBfs(m) : null;
    console.log(sc.name, v.join('+') || 'default', r.verdict, r.violation?.invariant ?? '', r.stats.states, r.stats.statesPerSec, 'len', r.schedule?.length, b?.schedule?.length, b?.violation?.invariant ?? '', r.violation?.message ?? '');
  }
}
