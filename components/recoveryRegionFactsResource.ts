// Publishes the failure predictor's facts (recoveryRegionFacts.ts) to the policy pack: stack policies see
// every resource's outputs, components included, and a component has no diff, so changing usage figures
// never updates or replaces any of the drill's resources.
import * as pulumi from "@pulumi/pulumi";
import { RECOVERY_REGION_FACTS_TYPE, type RecoveryRegionFactsData } from "./recoveryRegionFacts";

export class RecoveryRegionFacts extends pulumi.ComponentResource {
  constructor(name: string, facts: RecoveryRegionFactsData, opts: pulumi.ComponentResourceOptions = {}) {
    super(RECOVERY_REGION_FACTS_TYPE, name, {}, opts);
    this.registerOutputs({ ...facts });
  }
}
