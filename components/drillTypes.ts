// Moved to the contract package (components/contract/drillTypes.ts); kept as a re-export so modules of
// other lines of work that still import "./drillTypes" keep compiling until they switch.
export * from "./contract/drillTypes";
