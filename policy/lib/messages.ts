// Violation messages: what, where (resource and item), the offending value, and the fix.

/** `TestFailover "app-tfo", item "SQL01"` */
export function where(resourceName: string, item?: string, nic?: string): string {
  let text = `"${resourceName}"`;
  if (item !== undefined) text += `, item "${item}"`;
  if (nic !== undefined) text += `, NIC "${nic}"`;
  return text;
}

/** Builds "<where>: <problem>. Fix: <fix>". */
export function violation(location: string, problem: string, fix: string): string {
  return `${location}: ${problem}. Fix: ${fix}`;
}

export function quote(value: unknown): string {
  return value === undefined ? "(not set)" : JSON.stringify(value);
}

export function list(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}

/** Where compute and network settings of a replicated item are changed. */
export const PORTAL_COMPUTE_AND_NETWORK = 'Recovery Services vault > Replicated items > <VM> > "Compute and Network"';
