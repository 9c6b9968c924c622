// Run Command needs the Azure VM agent in the guest, and a Hyper-V VM gets none from Site Recovery: it
// has to be installed in the on-premises VM before it is replicated ("Prepare to connect to Azure VMs
// after failover", Microsoft Learn). So before in-guest checks the test VM's instanceView.vmAgent is read;
// a VM whose agent is not Ready within a short bound fails its checks at once as `vm-agent-not-ready`
// instead of each Run Command waiting out its 10-minute timeout.
// Shapes: Ready = `ProvisioningState/succeeded`, displayStatus "Ready" (Microsoft Learn instance-view
// examples); no agent = vmAgentVersion "Unknown", `ProvisioningState/Unavailable`, "Not Ready",
// "VM Agent is unresponsive." (public captures of ARM instance views).
import type { VmCheckResult } from "../drillTypes";
import type { VirtualMachine } from "./types";

export type VmAgentView = NonNullable<NonNullable<NonNullable<VirtualMachine["properties"]>["instanceView"]>["vmAgent"]>;

export const VM_AGENT_CHECK = "vm-agent-not-ready";

export const VM_AGENT_FIX =
  "install the Azure VM agent in the on-premises VM (Hyper-V guests get none from Site Recovery) and let it replicate, then run the drill again";

/** Ready when any agent status says so (code ProvisioningState/succeeded or displayStatus Ready). */
export function isVmAgentReady(agent: VmAgentView | undefined | null): boolean {
  return (agent?.statuses ?? []).some(
    (s) => /^ready$/i.test(s.displayStatus ?? "") || /^provisioningstate\/succeeded$/i.test(s.code ?? ""),
  );
}

export function describeVmAgent(agent: VmAgentView | undefined | null): string {
  if (!agent) return "no vmAgent in the instance view";
  const s = (agent.statuses ?? [])[0];
  return `vmAgentVersion ${agent.vmAgentVersion ?? "(none)"}${s ? `, ${s.code ?? ""} ${s.displayStatus ?? ""}${s.message ? ` (${s.message})` : ""}` : ", no status"}`;
}

/** The check result that replaces every in-guest check of a VM without a Ready agent. */
export function vmAgentNotReady(vmName: string, agent: VmAgentView | undefined | null, waitedSeconds: number): VmCheckResult {
  return {
    name: VM_AGENT_CHECK,
    passed: false,
    detail: `the Azure VM agent of ${vmName} is not Ready after ${waitedSeconds} s (${describeVmAgent(agent)}), so in-guest checks cannot run through Run Command; fix: ${VM_AGENT_FIX}`,
  };
}
