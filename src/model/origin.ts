// Owns where each definition came from: the built-in model, or a user's module loaded with --load (its path
// and the SHA-256 of its content), so that a counterexample of a loaded variant or scenario records the module
// it needs and replays only with it.
export interface ModuleRef {
  readonly path: string;
  readonly sha256: string;
}

export type DefinitionKind = 'variant' | 'operation' | 'scenario' | 'invariant' | 'subsystem';

let current: ModuleRef | undefined;
const origins = new Map<string, ModuleRef>();
const loaded: ModuleRef[] = [];

/** Called by every registry when it accepts a definition. */
export function noteOrigin(kind: DefinitionKind, name: string): void {
  if (current) origins.set(`${kind}:${name}`, current);
}

/** The module a definition came from (undefined: built in). */
export function originOf(kind: DefinitionKind, name: string): ModuleRef | undefined {
  return origins.get(`${kind}:${name}`);
}

/** The definitions a module made, as kind:name. */
export function definitionsOf(ref: ModuleRef): string[] {
  return [...origins].filter(([, r]) => r === ref).map(([k]) => k);
}

/** Run fn (the module's loading) with its definitions noted as coming from ref. */
export function loadingFrom<T>(ref: ModuleRef, fn: () => T): T {
  const prev = current;
  current = ref;
  try {
    const out = fn();
    loaded.push(ref);
    return out;
  } finally {
    current = prev;
  }
}

export function loadedModules(): readonly ModuleRef[] {
  return loaded;
}

/** The loaded modules as a checkpoint records them (plain copies: path and sha256), empty when none. */
export function recordedModules(): ModuleRef[] {
  return loaded.map((r) => ({ path: r.path, sha256: r.sha256 }));
}
