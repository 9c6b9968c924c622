// A stack config that cannot reach the program (PULUMI_CONFIG over one environment string's limit) is
// refused before anything is written, naming the size and the fix; the limit itself is checked on this
// machine's kernel, and a 1,000-VM drill given as expectedRules fits.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { configSizeProblem, ENV_STRING_LIMIT_BYTES, stackConfigFitsTheEnvironment } from "../../../scripts/lib/configSize";

const check = {
  name: "resolve-domain",
  commandId: "RunPowerShellScript",
  script: ["Resolve-DnsName synthetic.local | Select-Object -First 1 | Format-List"],
  expectOutputContains: "synthetic.local",
};
const base = {
  "failover-drill:vault": {
    subscriptionId: "22222222-2222-2222-2222-222222222222",
    resourceGroup: "synthetic-dr",
    name: "synthetic-asr-vault",
  },
  "failover-drill:scope": { recoveryPlans: Array.from({ length: 10 }, (_, i) => `rp-synthetic-${i + 1}`) },
};
const perVm = {
  ...base,
  "failover-drill:expected": Array.from({ length: 1000 }, (_, i) => ({
    friendlyName: `VM${String(i + 1).padStart(5, "0")}`,
    size: "Standard_D2s_v3",
    ip: `10.20.${i % 16}.${(i % 250) + 4}`,
    nicCount: 1,
    inGuestChecks: [check],
  })),
};
const byRule = { ...base, "failover-drill:expectedRules": [{ match: "VM*", inGuestChecks: [check] }] };

it("the kernel refuses one environment string over 128 KiB (the limit the check guards)", () => {
  const run = (bytes: number) =>
    spawnSync(process.execPath, ["-e", "0"], {
      env: { PATH: process.env.PATH, PULUMI_CONFIG: "x".repeat(bytes - "PULUMI_CONFIG=".length - 1) },
    });
  expect(run(ENV_STRING_LIMIT_BYTES).error).toBeUndefined();
  expect((run(ENV_STRING_LIMIT_BYTES + 1).error as NodeJS.ErrnoException | undefined)?.code).toBe("E2BIG");
});

it("1,000 per-VM expectations: refused with the size, the largest key and both fixes", () => {
  const p = configSizeProblem("bench-cli-1000", perVm);
  expect(p).toMatch(
    /^stack bench-cli-1000: its config is \d{3}\.\d KiB as PULUMI_CONFIG, over the 128\.0 KiB one environment variable may hold/,
  );
  expect(p).toMatch(/Largest keys: failover-drill:expected \d{3}\.\d KiB/);
  expect(p).toContain("failover-drill:expectedRules");
  expect(p).toContain("failover-drill:expectedFile");
});

it("the same drill as one expectedRules entry fits", () => {
  expect(configSizeProblem("bench-cli-1000", byRule)).toBeUndefined();
});

it("the preflight check reads the derived stack file Pulumi gets", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-size-"));
  try {
    const file = path.join(dir, "Pulumi.big.yaml");
    fs.writeFileSync(file, YAML.stringify({ config: perVm }));
    const ctx = {
      stack: "big",
      arm: { endpoint: "https://management.azure.com", credentialMode: "default", cloud: "AzureCloud" },
      env: {},
      plugins: "real",
      config: { file },
    } as never;
    expect(await stackConfigFitsTheEnvironment(ctx)).toHaveLength(1);
    fs.writeFileSync(file, YAML.stringify({ config: byRule }));
    expect(await stackConfigFitsTheEnvironment(ctx)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
