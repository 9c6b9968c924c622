// The provider's diff(): which input changes need a new test failover (replace, delete first: one
// active test failover per item) and which only a re-verification (update in place).
import { inputsOf, REPLACE_KEYS, stable } from "./providerState";

export function diffInputs(olds: Record<string, unknown>, news: Record<string, unknown>) {
  const oldIn = inputsOf(olds) as unknown as Record<string, unknown>;
  const newIn = inputsOf(news) as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(oldIn), ...Object.keys(newIn)]);
  const changed = [...keys].filter((k) => stable(oldIn[k]) !== stable(newIn[k]));
  const replaces = changed.filter((k) => (REPLACE_KEYS as readonly string[]).includes(k));
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 ? true : undefined,
    stables: [...keys].filter((k) => !changed.includes(k)),
  };
}
