// Every taggable resource a drill creates carries the drill's id, owner and expiry, so a forgotten drill
// can be found, attributed and cleaned up (the components tag them from failover-drill:drill config).
import { ResourceValidationPolicy } from "@pulumi/policy";
import { list, quote, violation } from "../lib/messages";
import { PreviewReader } from "../lib/unknowns";

export const DRILL_TAG_KEYS = ["drill-id", "drill-owner", "drill-expiry"];
export const EXPIRY_TAG = "drill-expiry";

/** azure-native types the drill creates that accept `tags` (Subnet, peerings and rules do not). */
export const TAGGABLE_TYPES = [
  "azure-native:resources:ResourceGroup",
  "azure-native:network:VirtualNetwork",
  "azure-native:network:NetworkSecurityGroup",
  "azure-native:network:VirtualNetworkGateway",
  "azure-native:network:PublicIPAddress",
  "azure-native:network:NetworkInterface",
  "azure-native:network:RouteTable",
  "azure-native:storage:StorageAccount",
  "azure-native:compute:AvailabilitySet",
  "azure-native:compute:VirtualMachine",
  "azure-native:compute:Disk",
];

export interface DrillResourcesTaggedConfig {
  requiredTags?: string[];
}

export const drillResourcesTagged: ResourceValidationPolicy = {
  name: "drill-resources-tagged",
  description: "Taggable drill resources carry the drill-id, drill-owner and drill-expiry tags (drill-expiry a date).",
  enforcementLevel: "advisory",
  configSchema: {
    properties: {
      requiredTags: {
        type: "array",
        items: { type: "string" },
        default: DRILL_TAG_KEYS,
        description: "Tag keys every taggable drill resource must carry.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!TAGGABLE_TYPES.includes(args.type)) return;
    const required = args.getConfig<DrillResourcesTaggedConfig>().requiredTags ?? DRILL_TAG_KEYS;
    const reader = new PreviewReader();
    const at = `"${args.name}" (${args.type.replace(/^azure-native:/, "")})`;
    reader.check(() => {
      const tags = args.props.tags;
      const present = (key: string): boolean => {
        const r = reader.peek(() => tags?.[key]);
        // An unknown tag value will be set: only a missing or empty one is a violation.
        return !r.known || (typeof r.value === "string" && r.value.trim().length > 0);
      };
      const missing = required.filter((k) => !tags || !present(k));
      if (missing.length > 0) {
        reportViolation(
          violation(
            at,
            `missing tag(s) ${list(missing)}`,
            "tag it from the drill's config (failover-drill:drill.id, .owner and .expiry); components pass them to every child",
          ),
        );
      }
      const expiry = reader.peek(() => tags?.[EXPIRY_TAG]);
      if (required.includes(EXPIRY_TAG) && expiry.known && typeof expiry.value === "string" && expiry.value.trim()) {
        if (Number.isNaN(Date.parse(expiry.value))) {
          reportViolation(
            violation(
              at,
              `tag ${EXPIRY_TAG} is ${quote(expiry.value)}, not a date`,
              `use an ISO 8601 date, e.g. "2030-01-31" (failover-drill:drill.expiry)`,
            ),
          );
        }
      }
    });
    reader.finish();
  },
};
