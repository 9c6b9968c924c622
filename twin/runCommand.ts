// Run Command results, scripted by the fixture. The AD/DNS copy matters: a "resolveDomain"
// check succeeds only when the VM's VNet DNS servers point at a running domain-controller test
// VM in the same VNet (Microsoft: "set the test network's DNS servers to its IP").
import type { Twin } from "./twin";
import type { ArmResource, Json } from "./store";
import { nicIps, vnetOfNic } from "./arm/network";
import { lookup, sameId } from "./arm/lookup";
import { powerStateOf } from "./arm/compute";

export function evaluateRunCommand(twin: Twin, vmId: string, script: string[]): Json {
  const vm = twin.get(vmId);
  const meta = twin.state.meta[vmId.toLowerCase()] ?? {};
  const text = script.join("\n");
  const itemRules = meta.sourceName ? (twin.state.settings.itemRunCommand?.[meta.sourceName.toLowerCase()] ?? []) : [];
  const rule = [...itemRules, ...twin.state.settings.runCommand].find((r) => safeRegex(r.match).test(text));
  let stdout = "";
  let stderr = "";
  const primary = vm ? primaryNic(twin, vm) : undefined;
  const dc = vm ? reachableDomainController(twin, vm) : undefined;
  if (rule) {
    const ok = rule.check !== "resolveDomain" || dc !== undefined;
    stdout = (ok ? rule.output : rule.failOutput) ?? "";
    stderr = (ok ? rule.stderr : rule.failStderr) ?? "";
  }
  const vars: Record<string, string> = {
    vmName: vm?.name ?? "",
    computerName: meta.sourceName ?? vm?.name ?? "",
    domain: twin.state.settings.domain,
    ip: nicIps(primary)[0] ?? "",
    dcIp: dc ?? "",
  };
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  return {
    value: [
      { code: "ComponentStatus/StdOut/succeeded", level: "Info", displayStatus: "Provisioning succeeded", message: fill(stdout) },
      { code: "ComponentStatus/StdErr/succeeded", level: "Info", displayStatus: "Provisioning succeeded", message: fill(stderr) },
    ],
  };
}

function safeRegex(s: string): RegExp {
  try {
    return new RegExp(s, "i");
  } catch {
    return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
  }
}

function primaryNic(twin: Twin, vm: ArmResource): ArmResource | undefined {
  const refs: Json[] = vm.properties?.networkProfile?.networkInterfaces ?? [];
  const ref = refs.find((r) => r.properties?.primary) ?? refs[0];
  return ref ? twin.get(ref.id) : undefined;
}

/** The DNS server IP of a running DC test VM in the VM's own VNet, if the VNet points at one. */
export function reachableDomainController(twin: Twin, vm: ArmResource): string | undefined {
  const vnetId = vnetOfNic(primaryNic(twin, vm));
  const vnet = vnetId ? lookup(twin, vnetId) : undefined;
  const dns: string[] = vnet?.properties?.dhcpOptions?.dnsServers ?? [];
  for (const ip of dns) {
    for (const nic of twin.ofType("Microsoft.Network/networkInterfaces")) {
      if (!sameId(vnetOfNic(nic), vnetId) || !nicIps(nic).includes(ip)) continue;
      const dcVmId: string | undefined = nic.properties?.virtualMachine?.id;
      if (!dcVmId) continue;
      const dcMeta = twin.state.meta[dcVmId.toLowerCase()];
      if (dcMeta?.role === "domainController" && powerStateOf(twin, dcVmId) === "running") return ip;
    }
  }
  return undefined;
}
