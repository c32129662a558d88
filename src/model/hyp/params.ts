// Owns the argument kinds of the hypercalls, bounded by the scenario's `hyp` section.
import type { ParamSpec } from '../program';
import type { System } from '../system';

export const P_SMMU: ParamSpec = { name: 'smmu', kind: 'smmu', max: (s: System) => s.hyp.N - 1 };
export const P_SID: ParamSpec = { name: 'sid', kind: 'sid', max: (s: System) => s.hyp.SID - 1 };
export const P_DOMAIN: ParamSpec = { name: 'domain', kind: 'hyp-domain', max: (s: System) => s.hyp.D - 1 };
export const P_IOVA: ParamSpec = { name: 'iova', kind: 'hyp-iova', max: (s: System) => s.hyp.B * s.hyp.L - 1 };
export const P_PAGES: ParamSpec = { name: 'pages', kind: 'hyp-pages', min: 1, max: (s: System) => s.hyp.B * s.hyp.L };
export const P_PAGE: ParamSpec = { name: 'page', kind: 'hyp-page', max: (s: System) => s.hyp.X - 1 };
