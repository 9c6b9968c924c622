// Reads before a test failover is triggered; a problem here records nothing. Checks the test network
// (exists, not an item's production recovery network), each item to trigger (protection state, health
// errors by code and message), the plan's allowedOperations, and picks the recovery point per item.
import type { TestFailoverInputs } from "../drillTypes";
import type { Fresh, SiteRecoveryDrillClient } from "./asrClient";
import { dataEncryptionRefusal, hasKek, isDataEncrypted } from "./dataEncryption";
import { realTime } from "./ids";
import { sameArmId } from "../contract";
import type { ResolvedScope } from "./scope";
import type { ProtectedItem, RecoveryPoint } from "./types";

/** "ApplicationConsistent" per the spec's description; "AppConsistent" is how Azure Backup spells it. */
export function isApplicationConsistent(p: RecoveryPoint): boolean {
  return /^app(lication)?consistent$/i.test(p.properties?.recoveryPointType ?? "");
}

/** The newest application-consistent point (whatever order the service lists them in). */
export function newestApplicationConsistent(points: RecoveryPoint[]): RecoveryPoint | undefined {
  return points
    .filter((p) => isApplicationConsistent(p) && realTime(p.properties?.recoveryPointTime ?? undefined))
    .sort((a, b) => Date.parse(b.properties!.recoveryPointTime!) - Date.parse(a.properties!.recoveryPointTime!))[0];
}

function unhealthy(item: ProtectedItem): string[] {
  const errs = (item.properties.healthErrors ?? []).filter((h) => /error|critical/i.test(h.errorLevel ?? ""));
  const out = errs.map(
    (h) =>
      `${h.errorCode ?? "?"} (${h.errorLevel}${h.errorCategory ? `, ${h.errorCategory}` : ""}): ${h.errorMessage ?? h.summaryMessage ?? ""}${h.recommendedAction ? ` — ${h.recommendedAction}` : ""}`,
  );
  if (!out.length && (item.properties.failoverHealth ?? "").toLowerCase() === "critical") out.push("failoverHealth is Critical");
  return out;
}

/** The test network exists and is no item's production recovery network. Throws before anything is sent. */
export async function checkTestNetwork(
  client: SiteRecoveryDrillClient,
  inputs: TestFailoverInputs,
  resolved: ResolvedScope,
  o: Fresh = {},
): Promise<void> {
  if (resolved.missing.length) {
    throw new Error(
      `preflight: ${resolved.missing.join(", ")} not found in vault ${inputs.vault.name} (resource group ${inputs.vault.resourceGroup}); check the drill's scope`,
    );
  }
  for (const [, item] of resolved.items) {
    const prod = item.properties.providerSpecificDetails?.selectedRecoveryAzureNetworkId;
    if (sameArmId(prod, inputs.testNetworkId)) {
      throw new Error(
        `preflight: testNetworkId ${inputs.testNetworkId} is the production recovery network of ${item.properties.friendlyName}; a test failover must use an isolated network`,
      );
    }
  }
  const vnet = await client.getVirtualNetwork(inputs.testNetworkId, o);
  if (!vnet) throw new Error(`preflight: the test network ${inputs.testNetworkId} does not exist; create the isolated test network first`);
}

/**
 * Problems with what is about to be triggered (refused together), warnings (printed), and the recovery
 * point per item: LatestApplicationConsistent is the newest application-consistent point the item lists;
 * Latest / LatestProcessed send no point (null = "latest recovery point", HyperVReplicaAzureTestFailoverInput).
 */
export async function preflightTrigger(
  client: SiteRecoveryDrillClient,
  inputs: TestFailoverInputs,
  resolved: ResolvedScope,
  toTrigger: ProtectedItem[],
  log: (line: string) => void,
): Promise<Map<string, RecoveryPoint>> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const plan = resolved.plan;
  if (inputs.scope.kind === "recoveryPlan" && toTrigger.length && !(plan?.properties.allowedOperations ?? []).includes("TestFailover")) {
    problems.push(
      `recovery plan ${plan?.name}: allowedOperations ${JSON.stringify(plan?.properties.allowedOperations ?? [])} does not contain TestFailover`,
    );
  }
  for (const item of toTrigger) {
    const n = item.properties.friendlyName;
    if (item.properties.protectionState && !/^protected$/i.test(item.properties.protectionState)) {
      problems.push(`${n}: protectionState is ${item.properties.protectionState}, not Protected`);
    }
    const encryption = item.properties.providerSpecificDetails?.encryption;
    if (isDataEncrypted(encryption) && !hasKek(inputs.kekCertificatePfx)) problems.push(dataEncryptionRefusal(n ?? item.name, encryption));
    const health = unhealthy(item);
    if (health.length) problems.push(`${n}: health errors ${health.join("; ")}`);
    for (const h of item.properties.healthErrors ?? [])
      if (!/error|critical/i.test(h.errorLevel ?? ""))
        warnings.push(`${n}: ${h.errorCode} ${h.errorLevel}: ${h.errorMessage ?? h.summaryMessage ?? ""}`);
  }
  const recoveryPoints = new Map<string, RecoveryPoint>();
  if (inputs.scope.kind === "protectedItems" && inputs.recoveryPointType === "LatestApplicationConsistent" && !problems.length) {
    for (const item of toTrigger) {
      const point = newestApplicationConsistent(await client.listRecoveryPoints(item.id));
      if (!point)
        problems.push(
          `${item.properties.friendlyName}: no application-consistent recovery point is available (recoveryPointType LatestApplicationConsistent); wait for the next app-consistent snapshot or choose Latest`,
        );
      else recoveryPoints.set(item.id.toLowerCase(), point);
    }
  }
  for (const w of warnings) log(`preflight warning: ${w}`);
  if (problems.length) throw new Error(`preflight refused the test failover:\n  - ${problems.join("\n  - ")}`);
  return recoveryPoints;
}
