// Failure predictor: ASR creates the test VM as "<recovery VM name>-test" in the item's recovery resource
// group; a VM of that name already there (a kept drill, a manual test) makes the test failover fail.
import { StackValidationPolicy } from "@pulumi/policy";
import { violation } from "../lib/messages";
import { itemsOf } from "../lib/testFailover";
import { pendingTestFailovers, recoveryRegionFacts, resourceGroupName, testVmName } from "../lib/recoveryRegion";
import { PreviewReader } from "../lib/unknowns";

export const testVmNameFree: StackValidationPolicy = {
  name: "test-vm-name-free",
  description: "No VM named like a test VM-to-be (<recovery VM name>-test) already exists in the item's recovery resource group.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const reader = new PreviewReader();
    const facts = recoveryRegionFacts(reader, args.resources);
    if (!facts) return reader.finish();
    for (const tf of pendingTestFailovers(reader, args.resources)) {
      for (const { item, name } of itemsOf(tf.props, reader.read.bind(reader))) {
        reader.check(() => {
          const rg = resourceGroupName(item.recoveryResourceGroupId);
          if (!rg || !item.recoveryVmName) return;
          const vmName = testVmName(item.recoveryVmName);
          const clash = facts.existingVms.find(
            (v) => v.resourceGroup.toLowerCase() === rg.toLowerCase() && v.name.toLowerCase() === vmName.toLowerCase(),
          );
          if (!clash) return;
          reportViolation(
            violation(
              `"${tf.name}", item "${name}"`,
              `VM ${clash.id} already exists; the test failover would create its test VM "${vmName}" in resource group ${rg} and fail`,
              `clean up the earlier test failover (or delete the stray VM "${vmName}"), or change the target VM name / resource group in Replicated items > ${name} > "Compute and Network"`,
            ),
            tf.urn,
          );
        });
      }
    }
    reader.finish();
  },
};
