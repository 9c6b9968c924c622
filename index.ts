// The drill program: one DrDrill (components/drDrill.ts) from this stack's `failover-drill:*` config —
// an isolated test network, a copy of AD/DNS in it, storage for evidence, then the ASR test failover of
// the applications; `pulumi destroy` cleans up the applications first, the domain controller copy last.
// Its outputs are the stack's outputs, which the drill runner and the report read.
import { DrDrill } from "./components/drDrill";
import { drillConfigFromStack } from "./components/stackDrillConfig";

// Config is read once, at the top: a bad config stops the program before anything is declared.
const config = drillConfigFromStack();

export = async () => new DrDrill("drill", config).outputs;
