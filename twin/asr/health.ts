// Health errors of protected items (ReplicationProtectedItem.healthErrors, asr-api.md §5.1).
import type { Json } from "../store";
import { iso } from "../clock";
import { guidFrom } from "../fixtures/guid";

/** The health error seen on a real item whose target network was not configured (asr-api.md §7, R5). */
export function targetNetworkHealthError(vmName: string, at: number): Json {
  return healthError(
    {
      errorCode: "161003",
      errorType: "8002",
      errorLevel: "Error",
      errorCategory: "Configuration",
      errorMessage: `Target network settings are not configured for virtual machine '${vmName}'.`,
      recommendedAction: "Configure the target network settings in Compute and Network.",
    },
    at,
  );
}

export function healthError(e: Json, at: number): Json {
  return {
    innerHealthErrors: [],
    errorSource: "",
    errorType: e.errorType ?? "",
    errorLevel: e.errorLevel ?? "Warning",
    errorCategory: e.errorCategory ?? "Configuration",
    errorCode: String(e.errorCode ?? ""),
    summaryMessage: e.summaryMessage ?? e.errorMessage ?? "",
    errorMessage: e.errorMessage ?? "",
    possibleCauses: e.possibleCauses ?? "",
    recommendedAction: e.recommendedAction ?? "",
    creationTimeUtc: iso(at),
    recoveryProviderErrorMessage: null,
    entityId: null,
    errorId: e.errorId ?? guidFrom(`${String(e.errorCode)}/${String(e.errorMessage)}`),
    customerResolvability: "Allowed",
  };
}
