import { mapWithConcurrency } from "../../../components/asr/boundedConcurrency";

const tick = () => new Promise((r) => setImmediate(r));

test("never more than `limit` calls in flight, all of them used, results in order", async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapWithConcurrency([...Array(25).keys()], 4, async (n) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    for (let i = 0; i < 1 + (n % 3); i++) await tick();
    inFlight--;
    return n * 2;
  });
  expect(peak).toBe(4);
  expect(out).toEqual([...Array(25).keys()].map((n) => n * 2));
});

test("fewer items than the limit, an empty list, and a bad limit", async () => {
  expect(await mapWithConcurrency([1, 2], 10, async (n) => n + 1)).toEqual([2, 3]);
  expect(await mapWithConcurrency([], 10, async (n) => n)).toEqual([]);
  await expect(mapWithConcurrency([1], 0, async (n) => n)).rejects.toThrow(/whole number ≥ 1, got 0/);
});
