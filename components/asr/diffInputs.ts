// The provider's diff(): which input changes need a new test failover (replace, delete first: one
// active test failover per item) and which only a re-verification (update in place).
import { inputsOf, REPLACE_KEYS, SECRET_INPUT_KEYS, stable } from "./providerState";

/**
 * How often the provider polls and how many Run Commands it runs at once pace a drill; they change nothing
 * the service did, so changing them alone (a kept drill resumed at another speed) re-verifies nothing.
 */
const PACING_KEYS = ["pollIntervalSeconds", "inGuestConcurrency"];

function withoutPacing(inputs: Record<string, unknown>): Record<string, unknown> {
  const t = inputs.timeouts;
  if (!t || typeof t !== "object") return inputs;
  return { ...inputs, timeouts: Object.fromEntries(Object.entries(t).filter(([k]) => !PACING_KEYS.includes(k))) };
}

export function diffInputs(olds: Record<string, unknown>, news: Record<string, unknown>) {
  const oldIn = withoutPacing(inputsOf(olds) as unknown as Record<string, unknown>);
  const newIn = withoutPacing(inputsOf(news) as unknown as Record<string, unknown>);
  // The secret inputs are not in the old outputs (outputs() leaves them out) and only matter at trigger.
  const keys = new Set([...Object.keys(oldIn), ...Object.keys(newIn)].filter((k) => !(SECRET_INPUT_KEYS as readonly string[]).includes(k)));
  const changed = [...keys].filter((k) => stable(oldIn[k]) !== stable(newIn[k]));
  const replaces = changed.filter((k) => (REPLACE_KEYS as readonly string[]).includes(k));
  return {
    changes: changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 ? true : undefined,
    stables: [...keys].filter((k) => !changed.includes(k)),
  };
}
