// The provider's check(): what can be refused from the inputs alone, so it shows in preview.
import { dataEncryptionRefusal, hasKek, isDataEncrypted } from "./dataEncryption";
import { sameArmId } from "../contract";
import { MAX_NOTES } from "./providerState";
import type { TestFailoverInputs } from "../drillTypes";

/** The value the engine passes for an input not known in preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

export function checkInputs(news: Record<string, unknown>): CheckFailure[] {
  const inputs = news as unknown as TestFailoverInputs;
  const failures: CheckFailure[] = [];
  if (typeof inputs.notes === "string" && inputs.notes !== UNKNOWN && inputs.notes.length > MAX_NOTES) {
    failures.push({
      property: "notes",
      reason: `notes are the test failover cleanup comments: at most ${MAX_NOTES} characters, got ${inputs.notes.length}`,
    });
  }
  if (
    inputs.failoverDirection !== undefined &&
    inputs.failoverDirection !== "PrimaryToRecovery" &&
    (inputs.failoverDirection as string) !== UNKNOWN
  ) {
    failures.push({
      property: "failoverDirection",
      reason: `a drill runs PrimaryToRecovery only, got ${JSON.stringify(inputs.failoverDirection)}`,
    });
  }
  const net = inputs.testNetworkId;
  if (typeof net === "string" && net !== UNKNOWN) {
    for (const it of Array.isArray(inputs.items) ? inputs.items : []) {
      if (sameArmId(it?.productionRecoveryNetworkId, net)) {
        failures.push({
          property: "testNetworkId",
          reason: `${net} is the production recovery network of ${it.friendlyName} (selectedRecoveryAzureNetworkId); a test failover must go to an isolated network`,
        });
      }
    }
  }
  for (const it of Array.isArray(inputs.items) ? inputs.items : []) {
    if (isDataEncrypted(it?.dataEncryption) && !hasKek(inputs.kekCertificatePfx))
      failures.push({ property: "items", reason: dataEncryptionRefusal(it.friendlyName, it.dataEncryption) });
  }
  return failures;
}
