// Per-VM progress lines of a large drill folded by kind: a 1,000-VM up's provider lines stay well under
// 2,000, a small drill prints exactly what it did, and no failure is ever folded.
import { ProgressFolder } from "../../../scripts/lib/progressFolder";

const TASKS = ["Prerequisites check for test failover", "Starting test failover", "Creating test virtual machine"];

/** The provider's lines for one plan of `n` VMs, in the shape of a real twin drill's console. */
function planLines(plan: number, n: number, failing: Set<string> = new Set()): string[] {
  const p = `[drill big application] [test failover of recovery plan rp-synthetic-${plan}]`;
  const vms = Array.from({ length: n }, (_, i) => `VM${String((plan - 1) * n + i + 1).padStart(5, "0")}`);
  const lines = [`${p} job j${plan}: InProgress`, `${p} 1/5 Group: Failover: InProgress`];
  for (const vm of vms) for (const t of TASKS.slice(0, 2)) lines.push(`${p}   ${vm}: ${t}: Succeeded (Completed)`);
  for (const vm of vms) lines.push(`${p}   ${vm}: ${TASKS[2]}: InProgress`);
  for (const vm of vms) lines.push(`${p}   ${vm}: ${TASKS[2]}: ${failing.has(vm) ? "Failed" : "Succeeded (Completed)"}`);
  lines.push(`${p} job j${plan}: Succeeded (Completed)`);
  for (const vm of vms) {
    lines.push(
      failing.has(vm)
        ? `[drill big application] ${vm} → ${vm}-test: Standard_D2s_v3 running 10.20.0.4 FAILED resolve-domain, running after 70.7 s`
        : `[drill big application] ${vm} → ${vm}-test: Standard_D2s_v3 running 10.20.0.4 all checks passed, running after 70.7 s`,
    );
  }
  return lines;
}

function fold(lines: string[], opts: ConstructorParameters<typeof ProgressFolder>[1] = {}): string[] {
  const out: string[] = [];
  const f = new ProgressFolder((l) => out.push(l), opts);
  for (const l of lines) f.line(l);
  f.flush();
  return out;
}

it("10 plans × 100 VMs: ~5,000 provider lines become a few hundred; each kind ends with its full count", () => {
  const failing = new Set(["VM00042", "VM00777"]);
  const lines = Array.from({ length: 10 }, (_, p) => planLines(p + 1, 100, failing)).flat();
  expect(lines.length).toBeGreaterThan(5000);
  const out = fold(lines, { now: () => 0 });
  expect(out.length).toBeLessThan(700);
  // Every failure line is kept verbatim.
  for (const vm of failing) {
    expect(out).toContain(
      `[drill big application] [test failover of recovery plan rp-synthetic-${vm === "VM00042" ? 1 : 8}]   ${vm}: Creating test virtual machine: Failed`,
    );
    expect(out.some((l) => l.startsWith(`[drill big application] ${vm} → `) && l.includes("FAILED resolve-domain"))).toBe(true);
  }
  expect(out).toContain(
    "[drill big application] [test failover of recovery plan rp-synthetic-1] Creating test virtual machine: Succeeded — 99 VMs in all (89 not listed, the last VM00100)",
  );
  expect(out).toContain("[drill big application] verified, all checks passed — 998 VMs in all (988 not listed, the last VM01000)");
});

it("a small drill's lines pass through unchanged", () => {
  const lines = planLines(1, 3);
  expect(fold(lines)).toEqual(lines);
});

it("a long-running kind is summed up at most every 10 s while it runs", () => {
  let t = 0;
  const lines = planLines(1, 100).filter((l) => l.includes("Starting test failover"));
  const out: string[] = [];
  const f = new ProgressFolder((l) => out.push(l), { now: () => t });
  lines.forEach((l) => {
    t += 500; // one line every half second: 50 s in all
    f.line(l);
  });
  const running = out.filter((l) => l.includes("so far"));
  expect(running.length).toBeGreaterThanOrEqual(3);
  expect(running.length).toBeLessThanOrEqual(5);
  f.flush();
  expect(out[out.length - 1]).toMatch(/Starting test failover: Succeeded — 100 VMs in all \(90 not listed, the last VM00100\)$/);
});
