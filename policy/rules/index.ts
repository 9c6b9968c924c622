// Every policy of the pack, in the order they are reported. Importing this module does not start the
// policy server (only index.ts constructs the PolicyPack).
import { Policies } from "@pulumi/policy";
import { directoryCopyFirst } from "./directoryCopyFirst";
import { directoryCopyRecommended } from "./directoryCopyRecommended";
import { dnsPointsToDirectoryCopy } from "./dnsPointsToDirectoryCopy";
import { drillResourcesTagged } from "./drillResourcesTagged";
import { drillStorageInfrastructureEncryption } from "./drillStorageInfrastructureEncryption";
import { drillStorageSecure } from "./drillStorageSecure";
import { itemAllowsTestFailover } from "./itemAllowsTestFailover";
import { itemHealthy } from "./itemHealthy";
import { itemNotInTestFailover } from "./itemNotInTestFailover";
import { managedDisksBlockedBySseReplicationStorage } from "./managedDisksBlockedBySseReplicationStorage";
import { managedDisksPreventFailback } from "./managedDisksPreventFailback";
import { managedDisksRequireAlignedAvailabilitySet } from "./managedDisksRequireAlignedAvailabilitySet";
import { nicCountFitsTargetSize } from "./nicCountFitsTargetSize";
import { testIpUniqueAcrossDrill } from "./testIpUniqueAcrossDrill";
import { testIpValid } from "./testIpValid";
import { testNetworkIsolated } from "./testNetworkIsolated";
import { vmNameValid } from "./vmNameValid";
import { computeQuotaFitsDrill } from "./computeQuotaFitsDrill";
import { testIpFreeInTestNetwork } from "./testIpFreeInTestNetwork";
import { testVmNameFree } from "./testVmNameFree";
import { testVmNoPublicIp } from "./testVmNoPublicIp";

export const policies: Policies = [
  itemAllowsTestFailover,
  itemNotInTestFailover,
  itemHealthy,
  managedDisksRequireAlignedAvailabilitySet,
  managedDisksBlockedBySseReplicationStorage,
  managedDisksPreventFailback,
  testIpValid,
  testIpUniqueAcrossDrill,
  nicCountFitsTargetSize,
  vmNameValid,
  testNetworkIsolated,
  dnsPointsToDirectoryCopy,
  directoryCopyRecommended,
  directoryCopyFirst,
  drillStorageSecure,
  drillStorageInfrastructureEncryption,
  drillResourcesTagged,
  testVmNoPublicIp,
  computeQuotaFitsDrill,
  testVmNameFree,
  testIpFreeInTestNetwork,
];
