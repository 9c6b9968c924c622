// The package's entry (`import { DrDrill } from "failover-drill"`): the one-drill component, the typed
// drill config it takes, and the pieces it composes for programs that wire a drill themselves.
// The TestFailover provider's implementation is `failover-drill/provider` (loaded by the provider
// itself, never imported by a program); the plain-JSON contract is `failover-drill/contract`.
export { DrDrill, drillResult } from "./drDrill";
export type { DrDrillArgs, DrDrillOutputs, TestFailoverResult } from "./drDrill";
export { drillConfigFromStack } from "./stackDrillConfig";
export { CONFIG_NAMESPACE, DrillConfigError, drillConfigProblems, parseDrillConfig, readRawDrillConfig } from "./config";
export type { DrillConfig, ParseOptions } from "./config";
export { resolveDrillScope, vaultReaders } from "./drillScope";
export type { ResolvedDrillScope, ResolvedItem, VaultReaders } from "./drillScope";
export { IsolatedTestNetwork } from "./isolatedTestNetwork";
export type { IsolatedTestNetworkArgs, TestSubnet } from "./isolatedTestNetwork";
export { DrillStorage } from "./drillStorage";
export type { DrillStorageArgs } from "./drillStorage";
export { DirectoryServicesCopy } from "./directoryServicesCopy";
export type { DirectoryServicesCopyArgs, DomainControllerItem } from "./directoryServicesCopy";
export { TestFailover } from "./testFailover";
export type { TestFailoverArgs } from "./testFailover";
export { drillTags } from "./naming";
