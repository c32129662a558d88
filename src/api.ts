// Owns the public modelling API (package export `iommu-check/api`): what a user's module, loaded with
// `--load`, defines operations, variants of existing operations, subsystems with their state and hardware
// actors, invariants and scenarios with — the same door the built-in subsystems go through. See
// docs/modelling.md for the tutorial.
import './model/scenarios'; // the built-in model, registered before any user definition

// defining things
export { operation, variantOf, stepsOf, compositeOperation, policyVariants } from './model/api/define';
export type { OperationSpec, VariantSpec, StepsFn } from './model/api/define';
export { defineScenario, allScenarios, findScenario } from './model/scenarios';
export { defineInvariant } from './invariants';
export { atomicInvariant } from './invariants/invariant';
export type { Invariant } from './invariants/invariant';
export { defineSubsystem } from './model/system';
export type { Subsystem, System } from './model/system';
export type { ScenarioSpec, ThreadSpec, OpCallSpec } from './model/scenario';
export type { LayoutBuilder, AccessClass } from './model/layout';
export { lockPrinter, idPrinter, enumPrinter, countPrinter, boolPrinter, threadPrinter, setPrinter, threadSetPrinter, codePrinter } from './model/printers';
export type { Printer, PrintKind } from './model/printers';

// writing steps
export { Builder, mightSleep } from './model/api/builder';
export type { Instr, Item, Local, Addr, Val, Next } from './model/api/instr';
export type { Ctx, ActorDef, ParamSpec, StepAccess, StepRole } from './model/program';
export { DONE } from './model/program';
export * from './model/errno';
export { forEachBit, lowestBit, popCount } from './model/bits';

// the built-in stack's pieces a variant reuses
export { UNALLOCATED, LIVE, FREED, touchDomain } from './model/domains/state';
export { pteAddr } from './model/pgtable/ops';
export { installPte, clearPte, watchPage, promiseClean, takeWatched, watching } from './model/pgtable/state';
export { gatherPage, flushTargets } from './model/flush/state';
export { scanServingInstances, flushInstances } from './model/flush/steps';
export { issueCommands, waitForSync } from './model/cmdq/issue';
export { CMD_SYNC, CMD_TLBI_VA, CMD_TLBI_ASID, tlbiVa, tlbiAsid, defineCommandKind, extraCmd } from './model/cmdq/state';

// running it from code (the CLI does the same)
export { buildModel } from './model/model';
export { runJob } from './explorer/job';
