// Tool-added latency: from a job's end to the first poll that could see it — a GET of the job by name, or
// of the vault's job list (how the provider polls several jobs at once).
import { noticeLatencySeconds, type LogEntry } from "../../bench/lib";

const VAULT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v";
const entry = (path: string, virtualTime: string, method = "GET") => ({ method, path, virtualTime, status: 200 }) as unknown as LogEntry;

test("the first job-list read after the end counts, as does a read by name; earlier reads and other paths do not", () => {
  const log = [
    entry(`${VAULT}/replicationJobs`, "2026-12-03T10:00:00Z"),
    entry(`${VAULT}/replicationProtectedItems`, "2026-12-03T10:00:40Z"),
    entry(`${VAULT}/replicationJobs`, "2026-12-03T10:00:50Z"),
    entry(`${VAULT}/replicationJobs/job-a`, "2026-12-03T10:01:10Z"),
  ];
  expect(noticeLatencySeconds(log, "job-a", "2026-12-03T10:00:30Z")).toBe(20);
  expect(noticeLatencySeconds(log, "job-a", "2026-12-03T10:01:00Z")).toBe(10);
  expect(noticeLatencySeconds(log, "job-a", "2026-12-03T10:02:00Z")).toBeUndefined();
});
