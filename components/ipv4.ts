// Moved to the contract package (components/contract/ipv4.ts); kept as a re-export so modules of other
// lines of work that still import "./ipv4" keep compiling until they switch.
export * from "./contract/ipv4";
