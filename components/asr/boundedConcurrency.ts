// Runs an async function over a list with at most `limit` calls in flight, results in the list's order.
// Used for in-guest checks: one Run Command per test VM, many VMs, a bound the service and the guest
// agents can take (issue 19: 101 checks one after another took 336 s at ×10).

export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`mapWithConcurrency: limit must be a whole number ≥ 1, got ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
