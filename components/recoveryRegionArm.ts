// The read-only ARM client the failure predictor reads the recovery region with (recoveryRegionFacts.ts):
// the drill's own ArmClient, so the one allowlist (GETs, test failover, cleanup, Run Command on test VMs)
// and the same credentials apply. Its own module so program tests can replace the network.
import type { ArmConnection } from "./drillTypes";
import type { ArmReader } from "./recoveryRegionFacts";

export function recoveryRegionArmReader(arm: ArmConnection): ArmReader {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ArmClient } = require("./asr/armClient") as typeof import("./asr/armClient");
  return new ArmClient({ endpoint: arm.endpoint, credentialMode: arm.credentialMode });
}
