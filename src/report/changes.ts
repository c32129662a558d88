// Owns reading what a trace step changed: the structured diff when the trace has one (TraceStep.diff), else
// the printed changes ("cmdq.lock[0]: 0 -> 1") parsed back into field, element and values; and which fields
// are locks or queues, for the diagram's hand-off arrows.
import { changeName, type FieldChange, type TraceStep } from '../result/format';

export interface ShownChange {
  /** the field and element, as one name ("cmdq.slot[0][1]") */
  key: string;
  /** the field's name without its element ("cmdq.slot") */
  field: string;
  fromText: string;
  toText: string;
  /** raw values, when the trace has them */
  from?: number;
  to?: number;
  ghost: boolean;
}

function fromDiff(c: FieldChange): ShownChange {
  const key = changeName(c);
  return { key, field: c.field, fromText: c.fromText, toText: c.toText, from: c.from, to: c.to, ghost: c.ghost === true || c.field.startsWith('ghost.') };
}

/** "pte[0][1]: 2 -> 0" -> key pte[0][1], field pte, from "2", to "0"; anything else is kept whole as its key. */
export function parseChange(text: string): ShownChange {
  const m = /^([^:[\]]+)((?:\[[^\]]*\])*): (.*?) -> (.*)$/s.exec(text);
  if (!m) return { key: text, field: text, fromText: '', toText: '', ghost: text.startsWith('ghost.') };
  return { key: m[1] + m[2], field: m[1], fromText: m[3], toText: m[4], ghost: m[1].startsWith('ghost.') };
}

export function changesOf(step: TraceStep): ShownChange[] {
  return step.diff ? step.diff.map(fromDiff) : step.changes.map(parseChange);
}

const LOCK = /(^|[._])(lock|mutex|rwsem|sem|spinlock)s?($|[._[])|lock$|mutex$/i;
const QUEUE = /(^|[._])(slot|queue|cmdq|prod|cons|fq|pending|work|work_set|ring|head|tail)s?($|[._[])/i;

export type FieldKind = 'lock' | 'queue' | 'other';

export function fieldKind(field: string): FieldKind {
  if (LOCK.test(field)) return 'lock';
  if (QUEUE.test(field)) return 'queue';
  return 'other';
}
