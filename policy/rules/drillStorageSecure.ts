// The drill's diagnostics/evidence storage holds test-VM boot diagnostics and drill reports: HTTPS only,
// TLS 1.2 or later, no anonymous blob access.
//
// Service defaults: enableHttpsTrafficOnly defaults to true (API 2019-04-01+) and allowBlobPublicAccess
// to false (API 2023-01-01+; azure-native 3.x uses later versions), so only an explicit insecure value
// is a violation. minimumTlsVersion has historically defaulted to TLS1_0 when omitted through ARM, so it
// must be set explicitly.
//
// Infrastructure encryption is advisory, and one policy has one enforcement level, so it is a separate
// policy (drill-storage-infrastructure-encryption) rather than a remediation: requireInfrastructureEncryption
// can only be chosen when the account is created, and silently remediating it would replace an existing
// account.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { quote, violation } from "../lib/messages";
import { SECURE_TLS_VERSIONS, STORAGE_ACCOUNT_TYPE } from "../lib/storage";
import { PreviewReader } from "../lib/unknowns";

const STORAGE_KEY = "failover-drill:storage";

export const drillStorageSecure: ResourceValidationPolicy = {
  name: "drill-storage-secure",
  description: "Drill storage accounts accept HTTPS only, require TLS 1.2 or later and allow no public blob access.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== STORAGE_ACCOUNT_TYPE) return;
    const reader = new PreviewReader();
    const at = `storage account "${args.name}"`;
    reader.check(() => {
      if (args.props.enableHttpsTrafficOnly === false) {
        reportViolation(
          violation(
            at,
            "enableHttpsTrafficOnly is false, so data can travel over plain HTTP",
            `set enableHttpsTrafficOnly: true (${STORAGE_KEY})`,
          ),
        );
      }
    });
    reader.check(() => {
      const tls = args.props.minimumTlsVersion;
      if (typeof tls !== "string" || !SECURE_TLS_VERSIONS.includes(tls)) {
        reportViolation(
          violation(
            at,
            `minimumTlsVersion is ${quote(tls)}; TLS 1.2 or later is required`,
            `set minimumTlsVersion: "TLS1_2" (${STORAGE_KEY})`,
          ),
        );
      }
    });
    reader.check(() => {
      if (args.props.allowBlobPublicAccess === true) {
        reportViolation(
          violation(
            at,
            "allowBlobPublicAccess is true, so containers can be made anonymously readable",
            `set allowBlobPublicAccess: false (${STORAGE_KEY})`,
          ),
        );
      }
    });
    reader.finish();
  },
};
