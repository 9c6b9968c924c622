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

export type BenchScope = { recoveryPlan: string } | { items: { friendlyName: string }[] };

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
 */
export function cliDrillStackConfig(
  fixture: Fixture,
  drillId: string,
  scope: BenchScope,
  o: { applicationExpectations?: boolean } = {},
): string {
  const dc = (fixture.items ?? []).find((i) => i.name === GENERATED_DC.name);
  if (!dc) throw new Error(`cliDrillStackConfig: the estate has no ${GENERATED_DC.name}; generate it with domainController: true`);
  const inScope =
    "recoveryPlan" in scope
      ? new Set((fixture.recoveryPlans ?? []).find((p) => p.name === scope.recoveryPlan)?.bootGroups.flat() ?? [])
      : new Set(scope.items.map((i) => i.friendlyName));
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
  return render({
    ...baseConfig(fixture, drillId, scope, `bench CLI drill ${drillId}: ${GENERATED_DC.name} copied first, then ${inScope.size} VMs`),
    "failover-drill:directoryCopy": {
      subnet: GENERATED_DC.subnet,
      recoveryPointType: "LatestApplicationConsistent",
      items: [{ friendlyName: GENERATED_DC.name, testIp: GENERATED_DC.ip }],
    },
    "failover-drill:expected": expected,
    "failover-drill:timeouts": { testFailoverMinutes: 240, cleanupMinutes: 240 },
  });
}
