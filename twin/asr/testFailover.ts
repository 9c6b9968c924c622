// Test-failover semantics, as the service behaves (DESIGN.md seed rules, asr-api.md §8):
// what each job task does to the estate, when it fails, and how item/plan states move.
import type { Twin } from "../twin";
import type { ArmResource, Json } from "../store";
import type { JobRecord, UnitRecord } from "./jobTypes";
import { allocateIp, ipIsFree, networkInterfaceKind, subnetsOf, syncSubnetRefs } from "../arm/network";
import { attachVm, detachVm, virtualMachineKind, VM_NAME } from "../arm/compute";
import { findVmSize } from "../arm/vmSizes";
import { isSseEncrypted } from "../arm/storage";
import { lookup, nameOf, sameId } from "../arm/lookup";
import { ArmError } from "../errors";
import { iso } from "../clock";
import { consumeJobFault, consumeCleanupFault } from "../faults";
import { targetNetworkHealthError } from "./health";
import { latestPointId } from "./render";

export class TaskFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly possibleCauses = "",
    readonly recommendedAction = "",
  ) {
    super(message);
  }
}

export const IDLE_OPERATIONS = ["PlannedFailover", "UnplannedFailover", "DisableProtection", "TestFailover"];
export const PLAN_IDLE_OPERATIONS = ["PlannedFailover", "UnplannedFailover", "TestFailover"];
export const NO_SCENARIO_START = "1753-01-01T01:01:01Z";

const DUMMY_CTX = { method: "PUT", path: "", query: new URLSearchParams(), apiVersion: "2024-05-01", body: undefined, baseUrl: "" };

function details(item: ArmResource): Json {
  return item.properties.providerSpecificDetails;
}

function itemMeta(twin: Twin, id: string) {
  return (twin.state.meta[id.toLowerCase()] ??= {});
}

export function runTaskEffect(twin: Twin, job: JobRecord, unit: UnitRecord, task: string): void {
  const item = twin.get(unit.itemId);
  if (!item) throw new TaskFailure("ProtectedItemNotFound", `The protected item ${unit.itemId} no longer exists.`);
  if (consumeJobFault(twin, item, task)) {
    throw new TaskFailure(
      "TwinInjectedTaskFailure",
      `Task ${task} failed for '${item.properties.friendlyName}' (fault injected by the twin).`,
      "Fault injection.",
      "Remove the fault and retry.",
    );
  }
  switch (task) {
    case "VmTfoPrerequisitesCheck":
      return prerequisites(twin, job, item);
    case "VmTfoPrepareTestVm":
      return prepareTestVm(twin, job, unit, item);
    case "VmTfoBootTestVm":
      // In a plan the VM was created by this item's unit in the Failover stage.
      for (const u of job.stages.flatMap((s) => s.units)) {
        if (!sameId(u.itemId, unit.itemId)) continue;
        for (const id of u.created) if (id.toLowerCase().includes("/virtualmachines/")) itemMetaPower(twin, id, "running");
      }
      return;
    case "VmTfoDeleteTestVm":
      if (consumeCleanupFault(twin, item)) {
        throw new TaskFailure(
          "TwinInjectedCleanupFailure",
          `Deleting the test virtual machine of '${item.properties.friendlyName}' failed (fault injected by the twin). Retry the cleanup.`,
          "Transient failure.",
          "Retry the test failover cleanup.",
        );
      }
      return deleteTestResources(twin, item);
    case "UpdateVmPropertiesTask":
      return applyUpdate(twin, item, job.patch);
    default:
      return;
  }
}

function itemMetaPower(twin: Twin, vmId: string, state: string): void {
  itemMeta(twin, vmId).powerState = state;
}

function prerequisites(twin: Twin, job: JobRecord, item: ArmResource): void {
  const p = item.properties;
  const name = p.friendlyName;
  if (p.protectionState !== "Protected") {
    throw new TaskFailure(
      "ProtectedItemNotProtected",
      `Test failover can't be started for '${name}': its protection state is '${p.protectionState}', expected 'Protected'.`,
      "Replication is not healthy.",
      "Wait for initial replication to complete.",
    );
  }
  const critical = (p.healthErrors ?? []).find((e: Json) => e.errorLevel === "Error" || e.errorLevel === "Critical");
  if (critical || p.replicationHealth === "Critical" || p.failoverHealth === "Critical") {
    throw new TaskFailure(
      String(critical?.errorCode ?? "161003"),
      critical?.errorMessage ?? `The virtual machine '${name}' is in a critical health state.`,
      critical?.possibleCauses ?? "",
      critical?.recommendedAction ?? "Resolve the health errors and retry.",
    );
  }
  // Data encryption: the VM's disks can only be decrypted in Azure with the key-encryption-key certificate
  // the failover input carries (primaryKekCertificatePfx). Code and wording chosen (no public payload).
  if (/^enabled$/i.test(String(details(item).encryption ?? "")) && !job.kekProvided) {
    throw new TaskFailure(
      "DataEncryptionKekCertificateMissing",
      `The test failover of '${name}' needs the key-encryption-key certificate: the virtual machine is replicated with data encryption, and the failover input carries no primaryKekCertificatePfx.`,
      "The virtual machine is replicated with data encryption enabled.",
      "Retry the test failover with the KEK certificate (PFX) the Provider was registered with.",
    );
  }
  if (!details(item).selectedRecoveryAzureNetworkId) {
    throw new TaskFailure(
      "161003",
      `Target network settings are not configured for virtual machine '${name}'.`,
      "Compute and network settings are incomplete.",
      "Configure the target network in Compute and Network settings.",
    );
  }
  if (!VM_NAME.test(`${details(item).recoveryAzureVmName}-test`)) {
    throw new TaskFailure(
      "InvalidRecoveryVmName",
      `The recovery VM name '${details(item).recoveryAzureVmName}' is invalid: between 1 and 63 characters, letters, numbers and hyphens, starting and ending with a letter or number.`,
      "",
      "Update the value in the virtual machine properties in Site Recovery.",
    );
  }
  if (job.networkType === "VmNetworkAsInput") {
    const vnet = job.networkId ? lookup(twin, job.networkId) : undefined;
    if (!vnet || vnet.type !== "Microsoft.Network/virtualNetworks") {
      throw new TaskFailure(
        "TestFailoverNetworkNotFound",
        `The virtual network '${String(job.networkId)}' selected for the test failover of '${name}' does not exist.`,
        "The network was deleted or the id is wrong.",
        "Select an existing Azure virtual network for the test failover.",
      );
    }
  }
}

/** Subnet: the configured name if the test network has it, else the first alphabetically (GatewaySubnet can't host NICs). */
function chooseSubnet(vnet: ArmResource, wanted: string | undefined): Json {
  const subnets = subnetsOf(vnet);
  const same = wanted ? subnets.find((s) => s.name.toLowerCase() === wanted.toLowerCase()) : undefined;
  if (same) return same;
  const usable = subnets.filter((s) => s.name !== "GatewaySubnet").sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (usable.length === 0)
    throw new TaskFailure(
      "TestFailoverNetworkHasNoSubnet",
      `The test failover network '${vnet.name}' has no subnet a VM can use.`,
      "",
      "Add a subnet to the test network.",
    );
  return usable[0];
}

function prepareTestVm(twin: Twin, job: JobRecord, unit: UnitRecord, item: ArmResource): void {
  const d = details(item);
  const vnet = lookup(twin, job.networkId ?? "");
  if (!vnet) throw new TaskFailure("TestFailoverNetworkNotFound", `The virtual network '${String(job.networkId)}' does not exist.`);
  const rgId: string = d.recoveryAzureResourceGroupId;
  const rg = rgId ? twin.get(rgId) : undefined;
  if (!rg)
    throw new TaskFailure(
      "RecoveryResourceGroupNotFound",
      `The recovery resource group '${String(rgId)}' of '${item.properties.friendlyName}' does not exist.`,
      "",
      "Select an existing target resource group.",
    );
  // "You can only assign a network interface to a virtual network that exists in the same subscription and
  // location as the network interface" (Learn, virtual-network-network-interface): the test VM's NICs go to
  // the recovery resource group. Code and wording chosen.
  const subOf = (id: string) => /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase();
  if (subOf(vnet.id) !== subOf(rg.id)) {
    throw new TaskFailure(
      "TestFailoverNetworkInAnotherSubscription",
      `The test failover network '${vnet.id}' is not in the subscription of the recovery resource group '${rg.id}' of '${item.properties.friendlyName}'; a network interface can only join a virtual network in its own subscription.`,
      "The test failover network and the target resource group are in different subscriptions.",
      "Select a virtual network in the target subscription for the test failover.",
    );
  }
  const size = findVmSize(d.recoveryAzureVMSize);
  if (!size) throw new TaskFailure("InvalidRecoveryVmSize", `The recovery VM size '${String(d.recoveryAzureVMSize)}' is not available.`);
  const vmName = `${d.recoveryAzureVmName}-test`;
  const location = rg.location ?? "westeurope";
  const vmId = `${rg.id}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
  if (twin.get(vmId)) throw new TaskFailure("TestVmAlreadyExists", `A virtual machine named '${vmName}' already exists in '${rg.name}'.`);
  const track = (r: ArmResource) => {
    twin.set(r);
    unit.created.push(r.id);
    const m = itemMeta(twin, r.id);
    m.createdFor = item.id;
    m.role = itemMeta(twin, item.id).role;
    m.sourceName = item.properties.friendlyName;
    if (itemMeta(twin, item.id).noVmAgent) m.noVmAgent = true;
  };
  // NIC count on the target = min(source NICs, max NICs of the target size); primary first.
  const nics: Json[] = [...(d.vmNics ?? [])].filter((n: Json) => n.selectionType !== "NotSelected");
  nics.sort((a, b) => Number(isPrimaryNic(b, d)) - Number(isPrimaryNic(a, d)));
  const chosen = nics.slice(0, Math.min(nics.length, size.maxNics));
  const nicIds: string[] = [];
  let firstSubnet: string | undefined;
  for (const [i, n] of chosen.entries()) {
    const ipc = n.ipConfigs?.[0] ?? {};
    const subnet = chooseSubnet(vnet, ipc.tfoSubnetName || ipc.recoverySubnetName);
    firstSubnet ??= subnet.name;
    const wantedIp: string | undefined = ipc.tfoStaticIPAddress || ipc.recoveryStaticIPAddress || undefined;
    // "The same target IP address can be used for test failover if the address is available in the
    // test failover network" — otherwise the VM receives another available address in the subnet.
    const ip = ipIsFree(twin, subnet, vnet.id, wantedIp) ? wantedIp : allocateIp(twin, subnet, vnet.id, undefined);
    const nicName = n.tfoRecoveryNicName || `${vmName}-nic${i === 0 ? "" : `-${i}`}`;
    const nicId = `${rg.id}/providers/Microsoft.Network/networkInterfaces/${nicName}`;
    const nic = networkInterfaceKind.build({
      twin,
      ctx: DUMMY_CTX,
      id: nicId,
      name: nicName,
      resourceGroup: rg,
      body: {
        properties: {
          ipConfigurations: [
            {
              name: "ipconfig1",
              properties: { subnet: { id: subnet.id }, privateIPAllocationMethod: "Static", privateIPAddress: ip, primary: true },
            },
          ],
        },
      },
    });
    track({ ...nic, location, tags: {}, properties: { ...nic.properties, provisioningState: "Succeeded" } });
    nicIds.push(nicId);
  }
  syncSubnetRefs(twin);
  unit.testVmName = vmName;
  unit.subnet = firstSubnet;
  const managed = String(d.useManagedDisks).toLowerCase() === "true";
  // Seed rule: managed disks ↔ Aligned availability set, blob disks ↔ Classic set.
  if (d.recoveryAvailabilitySetId) {
    const avset = twin.get(d.recoveryAvailabilitySetId);
    if (!avset) throw new TaskFailure("AvailabilitySetNotFound", `The availability set '${d.recoveryAvailabilitySetId}' does not exist.`);
    const aligned = avset.sku?.name === "Aligned";
    if (managed && !aligned) {
      throw new TaskFailure(
        "ManagedDisksRequireAlignedAvailabilitySet",
        `Test failover of '${item.properties.friendlyName}' failed: a VM with managed disks must be in an availability set whose "use managed disks" is Yes (Aligned), but '${avset.name}' is ${avset.sku?.name ?? "Classic"}.`,
        "Availability set and managed disk settings conflict.",
        "Select an Aligned availability set, or don't use managed disks.",
      );
    }
    if (!managed && aligned) {
      throw new TaskFailure(
        "UnmanagedDisksRequireClassicAvailabilitySet",
        `Test failover of '${item.properties.friendlyName}' failed: a VM without managed disks can only be in a non-managed (Classic) availability set, but '${avset.name}' is Aligned.`,
        "Availability set and managed disk settings conflict.",
        "Select a Classic availability set, or use managed disks.",
      );
    }
  }
  const disks: Json[] = d.azureVmDiskDetails ?? [];
  let osDisk: Json;
  const dataDisks: Json[] = [];
  if (managed) {
    // Seed rule: "If the replication storage account is encrypted with Storage Service Encryption,
    // managed disks can't be created during failover."
    const account = d.recoveryAzureStorageAccount ? twin.get(d.recoveryAzureStorageAccount) : undefined;
    if (isSseEncrypted(account)) {
      throw new TaskFailure(
        "ManagedDiskCreationNotSupportedWithSse",
        `Managed disks can't be created during failover of '${item.properties.friendlyName}': the replication storage account '${account?.name}' is encrypted with Storage Service Encryption.`,
        "The replication storage account has Storage Service Encryption enabled.",
        "Either don't enable use of managed disks, or disable protection for the VM and re-enable it with a storage account that doesn't have encryption enabled.",
      );
    }
    for (const [i, disk] of (disks.length ? disks : [{ maxSizeMB: "130048", vhdType: "OperatingSystem" }]).entries()) {
      const diskName = `${vmName}-${i === 0 ? "osdisk" : `datadisk-${i}`}`;
      const diskId = `${rg.id}/providers/Microsoft.Compute/disks/${diskName}`;
      track({
        id: diskId,
        name: diskName,
        type: "Microsoft.Compute/disks",
        location,
        tags: {},
        sku: { name: "Standard_LRS", tier: "Standard" },
        properties: {
          diskSizeGB: Math.ceil(Number(disk.maxSizeMB ?? 130048) / 1024),
          creationData: { createOption: "Import" },
          diskState: "Unattached",
          provisioningState: "Succeeded",
          osType: i === 0 ? "Windows" : undefined,
          timeCreated: iso(twin.now()),
        },
      });
      if (i === 0) osDisk = { osType: "Windows", name: diskName, createOption: "Attach", managedDisk: { id: diskId } };
      else dataDisks.push({ lun: i - 1, name: diskName, createOption: "Attach", managedDisk: { id: diskId } });
    }
  } else {
    const account = d.recoveryAzureStorageAccount ? twin.get(d.recoveryAzureStorageAccount) : undefined;
    osDisk = {
      osType: "Windows",
      name: `${vmName}-osdisk`,
      createOption: "Attach",
      vhd: { uri: `https://${account?.name ?? "storage"}.blob.core.windows.net/vhds/${vmName}-osdisk.vhd` },
    };
  }
  let vm: ArmResource;
  try {
    vm = virtualMachineKind.build({
      twin,
      ctx: DUMMY_CTX,
      id: vmId,
      name: vmName,
      resourceGroup: rg,
      body: {
        properties: {
          hardwareProfile: { vmSize: size.name },
          storageProfile: { osDisk: osDisk!, dataDisks },
          networkProfile: { networkInterfaces: nicIds.map((id, i) => ({ id, properties: { primary: i === 0 } })) },
          ...(d.recoveryAvailabilitySetId ? { availabilitySet: { id: d.recoveryAvailabilitySetId } } : {}),
        },
      },
    });
  } catch (e) {
    if (e instanceof ArmError) throw new TaskFailure(e.code, e.message);
    throw e;
  }
  track({
    ...vm,
    location,
    tags: { "asr-test-failover": item.properties.friendlyName },
    properties: { ...vm.properties, provisioningState: "Succeeded" },
  });
  attachVm(twin, vm);
  itemMetaPower(twin, vmId, "stopped");
}

function isPrimaryNic(n: Json, d: Json): boolean {
  if (d.selectedSourceNicId) return n.nicId === d.selectedSourceNicId;
  return n.ipConfigs?.[0]?.isPrimary === true;
}

/** Removes what a failed unit created, newest first ("partial resources removed"). */
export function rollbackUnit(twin: Twin, _job: JobRecord, unit: UnitRecord): void {
  for (const id of [...unit.created].reverse()) removeResource(twin, id);
  unit.created = [];
  syncSubnetRefs(twin);
}

function removeResource(twin: Twin, id: string): void {
  const r = twin.get(id);
  if (!r) return;
  if (r.type === "Microsoft.Compute/virtualMachines") detachVm(twin, r);
  twin.remove(id);
}

function deleteTestResources(twin: Twin, item: ArmResource): void {
  const meta = itemMeta(twin, item.id);
  const ids = meta.testResources ?? [];
  const vms = ids.filter((id) => id.toLowerCase().includes("/virtualmachines/"));
  for (const id of [...vms, ...ids.filter((id) => !vms.includes(id))]) removeResource(twin, id);
  meta.testResources = [];
  syncSubnetRefs(twin);
}

function setItem(item: ArmResource, state: string, description: string, ops: string[]): void {
  item.properties.testFailoverState = state;
  item.properties.testFailoverStateDescription = description;
  item.properties.allowedOperations = ops;
}

function scenario(item: ArmResource, name: string, jobId: string, start: string): void {
  item.properties.currentScenario = { scenarioName: name, jobId, startTime: start };
}

function noScenario(item: ArmResource, vaultId: string): void {
  item.properties.currentScenario = { scenarioName: "None", jobId: `${vaultId}/replicationJobs/None`, startTime: NO_SCENARIO_START };
}

/** Item state when a job is accepted. */
export function onJobAccepted(twin: Twin, job: JobRecord, itemIds: string[]): void {
  for (const id of itemIds) {
    const item = twin.get(id);
    if (!item) continue;
    itemMeta(twin, id).activeJob = job.name;
    if (job.scenario === "TestFailover") setItem(item, "InProgress", "Test failover in progress", []);
    else if (job.scenario === "TestFailoverCleanup") setItem(item, "CleanupInProgress", "Cleaning up test environment", []);
    if (job.scenario !== "UpdateVmProperties") scenario(item, job.scenario, job.id, iso(job.createdMs));
  }
}

export function jobItemIds(job: JobRecord): string[] {
  return [...new Set(job.stages.flatMap((s) => s.units.map((u) => u.itemId)))];
}

export function onJobFinished(twin: Twin, job: JobRecord): void {
  for (const id of jobItemIds(job)) {
    const item = twin.get(id);
    const meta = itemMeta(twin, id);
    delete meta.activeJob;
    if (!item) continue;
    const units = job.stages.flatMap((s) => s.units.filter((u) => sameId(u.itemId, id)));
    const failed = units.some((u) => u.status === "failed");
    if (job.scenario === "TestFailover") {
      const created = units.flatMap((u) => u.created);
      if (created.length > 0) meta.testResources = [...(meta.testResources ?? []), ...created];
      if ((meta.testResources ?? []).length > 0) {
        // Test VM exists (even if a later plan group failed): wait for cleanup.
        // As recorded after a finished test failover (.NET ASRTests/TestFailover.json, final operationresults):
        // WaitingForCompletion, currentScenario None, protectionStateDescription still "Protected",
        // vmNics[].tfoVMNetworkId still null — the job, not the item, records where the test VM went.
        setItem(item, "WaitingForCompletion", "Waiting for user input", ["DisableProtection", "TestFailoverCleanup"]);
        noScenario(item, job.vaultId);
        item.properties.failoverRecoveryPointId = job.recoveryPoints?.[id.toLowerCase()]?.id ?? latestPointId(item.id, job);
        if (!failed) {
          // The recording's lastSuccessfulTestFailoverTime equals the job's start (15:32:41.5515487Z), not its end.
          item.properties.lastSuccessfulTestFailoverTime = iso(job.startMs);
          item.properties.healthErrors = (item.properties.healthErrors ?? []).filter((e: Json) => e.errorCode !== "161011");
          item.properties.failoverHealth = item.properties.healthErrors.length ? item.properties.failoverHealth : "Normal";
        }
      } else {
        setItem(item, "None", "None", IDLE_OPERATIONS);
        noScenario(item, job.vaultId);
      }
    } else if (job.scenario === "TestFailoverCleanup") {
      if (failed) {
        setItem(item, "WaitingForCompletion", "Waiting for user input", ["DisableProtection", "TestFailoverCleanup"]);
        noScenario(item, job.vaultId);
      } else {
        // MarkedForDeletion with TestFailover allowed again, indefinitely: no public source shows it
        // returning to None (.NET ASRTests/TestFailoverCleanup.json; spec example TestFailoverCleanup).
        setItem(item, "MarkedForDeletion", "Cleaning up test environment", IDLE_OPERATIONS);
        noScenario(item, job.vaultId);
        meta.cleanupComments = job.comments ?? "";
      }
    }
  }
  if (job.targetKind === "plan") onPlanFinished(twin, job);
}

function onPlanFinished(twin: Twin, job: JobRecord): void {
  const plan = twin.get(job.targetId);
  if (!plan) return;
  const p = plan.properties;
  const anyWaiting = jobItemIds(job).some((id) => twin.get(id)?.properties?.testFailoverState === "WaitingForCompletion");
  p.currentScenario = { scenarioName: job.scenario, jobId: job.id, startTime: iso(job.createdMs) };
  if (job.scenario === "TestFailover") {
    p.lastTestFailoverTime = iso(job.startMs);
    if (anyWaiting) {
      p.allowedOperations = ["TestFailoverCleanup"];
      p.currentScenarioStatus = job.state === "Succeeded" ? "Suspended" : "Failed";
      p.currentScenarioStatusDescription = job.state === "Succeeded" ? "WaitingForStopTestFailover" : "Failed";
    } else {
      p.allowedOperations = PLAN_IDLE_OPERATIONS;
      p.currentScenarioStatus = "Failed";
      p.currentScenarioStatusDescription = "Failed";
    }
  } else if (job.scenario === "TestFailoverCleanup") {
    p.allowedOperations = anyWaiting ? ["TestFailoverCleanup"] : PLAN_IDLE_OPERATIONS;
    p.currentScenarioStatus = job.state === "Succeeded" ? "Succeeded" : "Failed";
    p.currentScenarioStatusDescription = job.state === "Succeeded" ? "Completed" : "Failed";
  }
}

/** PATCH (UpdateReplicationProtectedItemInput) applied when the UpdateVmProperties job completes. */
function applyUpdate(twin: Twin, item: ArmResource, body: Json): void {
  const u = body?.properties ?? {};
  const d = details(item);
  if (u.recoveryAzureVMName !== undefined) d.recoveryAzureVmName = u.recoveryAzureVMName;
  if (u.recoveryAzureVMSize !== undefined) d.recoveryAzureVMSize = u.recoveryAzureVMSize;
  if (u.selectedRecoveryAzureNetworkId !== undefined) d.selectedRecoveryAzureNetworkId = u.selectedRecoveryAzureNetworkId || null;
  if (u.selectedSourceNicId) d.selectedSourceNicId = u.selectedSourceNicId;
  if (u.licenseType !== undefined) d.licenseType = u.licenseType;
  if (u.enableRdpOnTargetOption !== undefined) d.enableRdpOnTargetOption = u.enableRdpOnTargetOption;
  if (u.recoveryAvailabilitySetId !== undefined) d.recoveryAvailabilitySetId = u.recoveryAvailabilitySetId;
  const psd = u.providerSpecificDetails ?? {};
  if (psd.useManagedDisks !== undefined) d.useManagedDisks = String(psd.useManagedDisks);
  if (psd.recoveryAzureV2ResourceGroupId !== undefined) d.recoveryAzureResourceGroupId = psd.recoveryAzureV2ResourceGroupId;
  for (const n of Array.isArray(u.vmNics) ? u.vmNics : []) {
    const target = (d.vmNics ?? []).find((x: Json) => x.nicId === n.nicId);
    if (!target) continue;
    if (n.selectionType !== undefined) target.selectionType = n.selectionType;
    for (const k of ["recoveryNicName", "recoveryNicResourceGroupName", "recoveryNetworkSecurityGroupId", "tfoNetworkSecurityGroupId"])
      if (n[k] !== undefined) target[k] = n[k];
    if (n.tfoNicName !== undefined) target.tfoRecoveryNicName = n.tfoNicName;
    if (n.tfoNicResourceGroupName !== undefined) target.tfoRecoveryNicResourceGroupName = n.tfoNicResourceGroupName;
    for (const [i, c] of (Array.isArray(n.ipConfigs) ? n.ipConfigs : []).entries()) {
      const tc =
        target.ipConfigs[i] ??
        (target.ipConfigs[i] = { name: c.ipConfigName ?? `ipconfig${i + 1}`, isPrimary: i === 0, isSeletedForFailover: true });
      for (const k of [
        "recoverySubnetName",
        "recoveryStaticIPAddress",
        "tfoSubnetName",
        "tfoStaticIPAddress",
        "isPrimary",
        "isSeletedForFailover",
      ])
        if (c[k] !== undefined) tc[k] = c[k];
      if (c.recoveryStaticIPAddress !== undefined) tc.recoveryIPAddressType = c.recoveryStaticIPAddress ? "Static" : "Dynamic";
    }
  }
  for (const n of d.vmNics ?? []) if (d.selectedRecoveryAzureNetworkId) n.recoveryVMNetworkId = d.selectedRecoveryAzureNetworkId;
  // Configuring the target network resolves "Target network settings are not configured" (161003).
  if (d.selectedRecoveryAzureNetworkId) {
    item.properties.healthErrors = (item.properties.healthErrors ?? []).filter((e: Json) => e.errorCode !== "161003");
    if (!item.properties.healthErrors.some((e: Json) => e.errorLevel === "Error"))
      item.properties.failoverHealth = item.properties.healthErrors.length ? "Warning" : "Normal";
  } else if (
    u.selectedRecoveryAzureNetworkId !== undefined &&
    !(item.properties.healthErrors ?? []).some((e: Json) => e.errorCode === "161003")
  ) {
    // Clearing the target network: the item is back to "Target network settings are not configured".
    item.properties.healthErrors = [
      ...(item.properties.healthErrors ?? []),
      targetNetworkHealthError(d.recoveryAzureVmName ?? item.properties.friendlyName, twin.now()),
    ];
    item.properties.failoverHealth = "Critical";
  }
  void nameOf;
}
