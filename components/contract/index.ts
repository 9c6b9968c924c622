// failover-drill's contract: the plain-JSON types and pure helpers the program, the TestFailover provider,
// the policy pack and the scripts share. Its own package (no dependencies, nothing outside this folder),
// so the policy pack declares it as a dependency instead of reaching into ../components.
export * from "./apiVersions";
export * from "./armIds";
export * from "./asrPaths";
export * from "./drillNames";
export * from "./drillTypes";
export * from "./ipv4";
export * from "./recoveryRegion";
export * from "./sleep";
