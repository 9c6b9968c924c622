// The advisory half of drill-storage-secure (one policy has one enforcement level): infrastructure
// (double) encryption for the drill's storage. It can only be enabled when the account is created.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { quote, violation } from "../lib/messages";
import { STORAGE_ACCOUNT_TYPE } from "../lib/storage";
import { PreviewReader } from "../lib/unknowns";

export const drillStorageInfrastructureEncryption: ResourceValidationPolicy = {
  name: "drill-storage-infrastructure-encryption",
  description: "Drill storage accounts should enable infrastructure (double) encryption.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (args.type !== STORAGE_ACCOUNT_TYPE) return;
    const reader = new PreviewReader();
    reader.check(() => {
      const value = args.props.encryption?.requireInfrastructureEncryption;
      if (value !== true) {
        reportViolation(
          violation(
            `storage account "${args.name}"`,
            `encryption.requireInfrastructureEncryption is ${quote(value)}; data is encrypted once, at the service level only`,
            "set encryption.requireInfrastructureEncryption: true (failover-drill:storage); it can only be chosen when the account is created",
          ),
        );
      }
    });
    reader.finish();
  },
};
