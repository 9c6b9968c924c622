// GET throughput / latency / memory of the twin on loopback with a 1,000-item estate.
// Run: npx tsc -p tsconfig.build.json && node dist/bench/twin.js   (targets: ≥2,000 GETs/s, p99 < 10 ms, < 200 MB)
import * as http from "node:http";
import { startTwin } from "../twin/index";
import { generateEstate } from "../twin/fixtures/generate";

async function main(): Promise<void> {
  const before = process.memoryUsage().rss;
  const twin = await startTwin({ fixture: generateEstate({ items: 1000, plans: 10 }), quiet: true });
  global.gc?.();
  const rss = process.memoryUsage().rss;
  const heap = process.memoryUsage().heapUsed;
  const vault =
    "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/synthetic-dr/providers/Microsoft.RecoveryServices/vaults/synthetic-asr-vault";
  const ids: string[] = [];
  let nextLink: string | undefined = `${twin.url}${vault}/replicationProtectedItems?api-version=2026-05-01`;
  while (nextLink) {
    const page = (await (await fetch(nextLink, { headers: { authorization: `Bearer ${twin.token}` } })).json()) as {
      value: { id: string }[];
      nextLink?: string;
    };
    ids.push(...page.value.map((i) => i.id));
    nextLink = page.nextLink;
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const durations: number[] = [];
  const total = Number(process.env.BENCH_REQUESTS ?? 20_000);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
  let next = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const path = `${ids[i % ids.length]}?api-version=2026-05-01`;
      const s = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        const req = http.get(
          { host: "127.0.0.1", port: twin.port, path, agent, headers: { authorization: `Bearer ${twin.token}` } },
          (res) => {
            res.resume();
            res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
          },
        );
        req.on("error", reject);
      });
      durations.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  durations.sort((a, b) => a - b);
  const pct = (p: number) => durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))].toFixed(2);
  const report = {
    items: ids.length,
    requests: total,
    concurrency,
    getsPerSecond: Math.round(total / seconds),
    p50ms: pct(50),
    p99ms: pct(99),
    rssMB: Math.round(rss / 1048576),
    rssBeforeEstateMB: Math.round(before / 1048576),
    heapUsedMB: Math.round(heap / 1048576),
    rssAfterRunMB: Math.round(process.memoryUsage().rss / 1048576),
  };
  console.log(JSON.stringify(report, null, 2));
  agent.destroy();
  await twin.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
