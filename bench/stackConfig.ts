// Stack config (Pulumi.<stack>.yaml text) for drills of a generated estate (twin/fixtures/generate.ts):
// the isolated test network mirrors the estate's production subnets; a CLI drill also copies the DC
// first and expects every test VM's size, IP, NIC count and one in-guest check, as the Contoso drill
// (Pulumi.test.yaml) does.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ROOT } from "../scripts/lib/pulumiCli";
import { GENERATED_CHECKS, GENERATED_DC } from "../twin/fixtures/generate";
import type { Fixture } from "../twin/fixtures/load";

/** The variable the stack names for its bearer token (as Pulumi.test.yaml does). */
export const BENCH_TOKEN_VARIABLE = "FAILOVER_DRILL_ARM_TOKEN";

export type BenchScope = { recoveryPlan: string } | { recoveryPlans: string[] } | { items: { friendlyName: string }[] };

/** A CLI drill's stack config, and the files beside it it names (file name at the checkout root → text). */
export interface CliDrillConfig {
  configText: string;
  files: Record<string, string>;
}

/** The friendly-name pattern of the generated application VMs (VM00001…), which the DC (DC01) does not match. */
export const APPLICATION_PATTERN = "VM*";

function baseConfig(fixture: Fixture, drillId: string, scope: BenchScope, notes: string): Record<string, unknown> {
  const net = fixture.networks![0];
  return {
    "failover-drill:vault": {
      subscriptionId: fixture.subscriptionId,
      resourceGroup: fixture.vault.resourceGroup,
      name: fixture.vault.name,
    },
    // The runner's generic local-endpoint mode (Pulumi.test.yaml): no endpoint, so `npm run drill` starts one
    // and puts its token in this variable; a preview gets both from the bench's environment.
    "failover-drill:arm": { credentialMode: "staticToken", tokenVariable: BENCH_TOKEN_VARIABLE },
    "failover-drill:location": fixture.location ?? "westeurope",
    "failover-drill:drill": { id: drillId, owner: "bench@failover-drill.example", expiry: "2030-12-31" },
    "failover-drill:scope": { ...scope, recoveryPointType: "LatestProcessed" },
    "failover-drill:testNetwork": {
      resourceGroup: "synthetic-drill-rg",
      vnetName: "synthetic-drill-vnet",
      addressSpace: net.addressPrefixes[0],
      subnets: Object.entries(net.subnets ?? {}).map(([name, prefix]) => ({ name, prefix })),
    },
    "failover-drill:storage": { accountNamePrefix: "benchdrill", container: "drill-evidence" },
    "failover-drill:notes": notes,
  };
}

function render(config: Record<string, unknown>): string {
  // The committed salt of the local passphrase provider, so `pulumi stack init` does not rewrite the file.
  const salt = /^encryptionsalt:.*$/m.exec(fs.readFileSync(path.join(ROOT, "Pulumi.test.yaml"), "utf8"))?.[0];
  // Quoted strings: a bare 2030-12-31 would reach Pulumi as a YAML timestamp. No aliases for the check
  // every VM shares: 1,000 `*a1` would exceed the alias limit of the runner's YAML reader (a guard
  // against alias bombs) and make a reader of the file look up every VM's check.
  return `${salt ?? ""}\n${YAML.stringify({ config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN", aliasDuplicateObjects: false })}`;
}

/** The program only (preview): the scope and the test network, nothing expected. */
export function previewStackConfig(fixture: Fixture, scope: BenchScope): string {
  return render(baseConfig(fixture, "bench-preview", scope, "bench preview"));
}

/**
 * A full drill: the DC copy (GENERATED_DC) first, then the scope, every VM of the estate expected with its
 * size, static IP, one NIC and one in-guest check (the DC's AD DS/DNS check, the applications' resolve-domain
 * check through the copy); with `applicationExpectations: false` only the DC is expected. The estate must be
 * generated with `domainController: true`.
 *
 * `expectedFile` (a file name at the checkout root) is how a 1,000-VM drill is written, as a DR owner would:
 * the applications' size/IP/NIC entries in that file (stack config reaches the program in one environment
 * variable of at most 128 KiB), their one shared in-guest check as one `expectedRules` entry, the DC's own
 * entry with its check in `expected`.
 */
export function cliDrillStackConfig(
  fixture: Fixture,
  drillId: string,
  scope: BenchScope,
  o: { applicationExpectations?: boolean; expectedFile?: string } = {},
): CliDrillConfig {
  const dc = (fixture.items ?? []).find((i) => i.name === GENERATED_DC.name);
  if (!dc) throw new Error(`cliDrillStackConfig: the estate has no ${GENERATED_DC.name}; generate it with domainController: true`);
  const inScope =
    "items" in scope
      ? new Set(scope.items.map((i) => i.friendlyName))
      : new Set(
          (fixture.recoveryPlans ?? [])
            .filter((p) => ("recoveryPlan" in scope ? [scope.recoveryPlan] : scope.recoveryPlans).includes(p.name))
            .flatMap((p) => p.bootGroups.flat()),
        );
  if (inScope.size === 0) throw new Error(`cliDrillStackConfig: scope ${JSON.stringify(scope).slice(0, 200)} names nothing in the estate`);
  const expected = (fixture.items ?? [])
    .filter((i) => i.name === dc.name || (o.applicationExpectations !== false && inScope.has(i.name)))
    .map((i) => ({
      friendlyName: i.name,
      size: i.size,
      ip: i.nics[0].ip,
      nicCount: 1,
      inGuestChecks: [i.name === dc.name ? GENERATED_CHECKS.domainController : GENERATED_CHECKS.application],
    }));
  const viaFile = o.expectedFile !== undefined && o.applicationExpectations !== false;
  const expectations = viaFile
    ? {
        "failover-drill:expected": expected.filter((e) => e.friendlyName === dc.name),
        "failover-drill:expectedRules": [{ match: APPLICATION_PATTERN, inGuestChecks: [GENERATED_CHECKS.application] }],
        "failover-drill:expectedFile": o.expectedFile,
      }
    : { "failover-drill:expected": expected };
  const files = viaFile
    ? {
        [o.expectedFile!]: JSON.stringify(
          expected.filter((e) => e.friendlyName !== dc.name).map(({ inGuestChecks: _checks, ...e }) => e),
          null,
          1,
        ),
      }
    : {};
  const configText = render({
    ...baseConfig(fixture, drillId, scope, `bench CLI drill ${drillId}: ${GENERATED_DC.name} copied first, then ${inScope.size} VMs`),
    "failover-drill:directoryCopy": {
      subnet: GENERATED_DC.subnet,
      recoveryPointType: "LatestApplicationConsistent",
      items: [{ friendlyName: GENERATED_DC.name, testIp: GENERATED_DC.ip }],
    },
    ...expectations,
    "failover-drill:timeouts": { testFailoverMinutes: 240, cleanupMinutes: 240 },
  });
  return { configText, files };
}
