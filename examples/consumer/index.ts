// Contoso's quarterly DR drill, as its own Pulumi program: the failover-drill package's DrDrill, built from
// this stack's `failover-drill:*` config (Pulumi.twin.yaml drills the Contoso estate on the Azure twin;
// a stack for the real subscription holds the vault's ids instead). `pulumi up` stands the drill up: the
// isolated test network, the AD/DNS copy first, the drill storage, the test failover of the recovery plan
// and the checks of every test VM; `pulumi destroy` runs the test failover cleanups, the DC copy last.
import { DrDrill, drillConfigFromStack } from "failover-drill";

const drill = new DrDrill("contoso-tier1", drillConfigFromStack());

// The drill's outputs, under the names failover-drill's runner and report read.
export = drill.outputs;
