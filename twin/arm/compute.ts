// Microsoft.Compute: availability sets (Classic/Aligned), managed disks, virtual machines
// (size catalogue, NIC limits, instance view, power actions, Run Command).
import type { Twin } from "../twin";
import type { ArmResource, Json } from "../store";
import { ArmError, badRequest, conflict } from "../errors";
import type { PutArgs, ResourceKind } from "./kind";
import type { Reply, RequestCtx } from "../http";
import { findVmSize } from "./vmSizes";
import { lookup, sameId } from "./lookup";
import { syncSubnetRefs, vnetOfNic } from "./network";
import { asyncHeaders, startOperation } from "./operations";
import { iso } from "../clock";
import { randomUUID } from "node:crypto";

const VM = "Microsoft.Compute/virtualMachines";
const AVSET = "Microsoft.Compute/availabilitySets";
const DISK = "Microsoft.Compute/disks";

/** Seed rule: "VM names: 1–63 characters, letters, digits and hyphens, starting and ending with a letter or digit." */
export const VM_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const availabilitySetKind: ResourceKind = {
  type: AVSET,
  putMode: "sync",
  deleteMode: "sync",
  seconds: 0,
  tracked: true,
  build({ id, name, body, existing }: PutArgs): ArmResource {
    const sku = body.sku?.name ?? existing?.sku?.name ?? "Classic";
    if (!["Classic", "Aligned"].includes(sku))
      throw badRequest(
        "InvalidParameter",
        `The value '${String(sku)}' of parameter 'sku.name' is not valid. Allowed values: Classic, Aligned.`,
      );
    const fd = body.properties?.platformFaultDomainCount ?? 2;
    const ud = body.properties?.platformUpdateDomainCount ?? 5;
    if (!Number.isInteger(fd) || fd < 1 || fd > (sku === "Aligned" ? 3 : 3))
      throw badRequest("InvalidParameter", `The specified fault domain count ${String(fd)} must fall in the range 1 to 3.`);
    if (!Number.isInteger(ud) || ud < 1 || ud > 20)
      throw badRequest("InvalidParameter", `The specified update domain count ${String(ud)} must fall in the range 1 to 20.`);
    return {
      id,
      name,
      type: AVSET,
      sku: { name: sku },
      properties: {
        platformFaultDomainCount: fd,
        platformUpdateDomainCount: ud,
        virtualMachines: existing?.properties?.virtualMachines ?? [],
      },
    };
  },
  beforeDelete(_twin, res) {
    if ((res.properties?.virtualMachines ?? []).length > 0) {
      throw conflict(
        "OperationNotAllowed",
        `Availability set ${res.name} cannot be deleted. Before deleting an availability set, ensure that it does not contain any VM.`,
      );
    }
  },
};

export const diskKind: ResourceKind = {
  type: DISK,
  putMode: "aao",
  deleteMode: "aao",
  seconds: 5,
  creatingState: "Updating",
  tracked: true,
  patch: true,
  build({ id, name, body, existing }: PutArgs): ArmResource {
    const size = body.properties?.diskSizeGB ?? existing?.properties?.diskSizeGB;
    const create = body.properties?.creationData?.createOption ?? existing?.properties?.creationData?.createOption;
    if (!create) throw badRequest("InvalidParameter", "Required parameter 'creationData.createOption' is missing (null).");
    if (create === "Empty" && !(Number.isInteger(size) && size > 0))
      throw badRequest("InvalidParameter", "Required parameter 'diskSizeGB' is missing (null).");
    return {
      id,
      name,
      type: DISK,
      sku: { name: body.sku?.name ?? existing?.sku?.name ?? "Standard_LRS", tier: "Standard" },
      ...(existing?.managedBy ? { managedBy: existing.managedBy } : {}),
      properties: {
        ...(existing?.properties ?? {}),
        ...(body.properties ?? {}),
        diskSizeGB: size ?? 127,
        diskState: existing?.managedBy ? "Attached" : "Unattached",
        uniqueId: existing?.properties?.uniqueId ?? randomUUID(),
        encryption: body.properties?.encryption ?? { type: "EncryptionAtRestWithPlatformKey" },
        timeCreated: existing?.properties?.timeCreated ?? new Date().toISOString(),
      },
    };
  },
  beforeDelete(_twin, res) {
    if (res.managedBy) throw conflict("OperationNotAllowed", `Disk ${res.name} is attached to VM ${res.managedBy}.`);
  },
};

function vmIsManaged(body: Json): boolean {
  const os = body.properties?.storageProfile?.osDisk;
  return !os?.vhd;
}

export const virtualMachineKind: ResourceKind = {
  type: VM,
  putMode: "aao",
  deleteMode: "aao",
  seconds: 30,
  creatingState: "Creating",
  tracked: true,
  build({ twin, id, name, body, existing }: PutArgs): ArmResource {
    if (!VM_NAME.test(name)) {
      throw badRequest(
        "InvalidResourceName",
        `The VM name '${name}' is invalid: between 1 and 63 characters, letters, numbers and hyphens only, starting and ending with a letter or number.`,
      );
    }
    const p = body.properties ?? {};
    const sizeName = p.hardwareProfile?.vmSize;
    const size = findVmSize(sizeName);
    if (!size)
      throw badRequest(
        "InvalidParameter",
        `The value ${String(sizeName)} provided for the VM size is not valid. The valid sizes in the current region are listed by GET .../locations/{location}/vmSizes.`,
      );
    const nics: Json[] = p.networkProfile?.networkInterfaces ?? [];
    if (!Array.isArray(nics) || nics.length === 0)
      throw badRequest("InvalidParameter", "At least one network interface is required (networkProfile.networkInterfaces).");
    if (nics.length > size.maxNics) {
      throw badRequest(
        "NetworkInterfaceCountExceeded",
        `The number of network interfaces for virtual machine ${name} exceeds the maximum allowed for the virtual machine size ${size.name}. The number of network interfaces is ${nics.length} and the maximum allowed is ${size.maxNics}.`,
      );
    }
    let vnet: string | undefined;
    for (const ref of nics) {
      const nic = typeof ref?.id === "string" ? twin.get(ref.id) : undefined;
      if (!nic) throw badRequest("NotFound", `Resource ${String(ref?.id)} not found.`);
      const attached = nic.properties?.virtualMachine?.id;
      if (attached && !sameId(attached, id))
        throw badRequest("NicInUse", `Network interface ${nic.id} is already used by virtual machine ${attached}.`);
      const v = vnetOfNic(nic);
      if (vnet && !sameId(vnet, v))
        throw badRequest(
          "VMNicsNotInSameVirtualNetwork",
          `All network interfaces of virtual machine ${name} must be connected to the same virtual network.`,
        );
      vnet = v;
    }
    const managed = vmIsManaged(body);
    const avsetId = p.availabilitySet?.id;
    if (avsetId) {
      const avset = twin.get(avsetId);
      if (!avset) throw badRequest("NotFound", `Availability set ${String(avsetId)} not found.`);
      const aligned = avset.sku?.name === "Aligned";
      if (managed !== aligned) {
        throw conflict(
          "OperationNotAllowed",
          "Addition of a VM with managed disks to non-managed Availability Set or addition of a VM with blob based disks to managed Availability Set is not supported. Please create an Availability Set with 'Aligned' SKU in order to add a VM with managed disks to it.",
        );
      }
    }
    return {
      id,
      name,
      type: VM,
      properties: {
        vmId: existing?.properties?.vmId ?? randomUUID(),
        hardwareProfile: { vmSize: size.name },
        storageProfile: p.storageProfile ?? {},
        osProfile: p.osProfile ? { ...p.osProfile, adminPassword: undefined } : undefined,
        networkProfile: {
          networkInterfaces: nics.map((n: Json, i: number) => ({
            id: twin.get(n.id)?.id ?? n.id,
            properties: { primary: n.properties?.primary ?? i === 0 },
          })),
        },
        ...(avsetId ? { availabilitySet: { id: twin.get(avsetId)?.id ?? avsetId } } : {}),
        diagnosticsProfile: p.diagnosticsProfile,
        timeCreated: existing?.properties?.timeCreated ?? iso(twin.now()),
      },
    };
  },
  afterPut(twin, res, prev) {
    attachVm(twin, res, prev);
    const meta = (twin.state.meta[res.id.toLowerCase()] ??= {});
    meta.powerState = meta.powerState ?? "running";
  },
  afterDelete(twin, res) {
    detachVm(twin, res);
  },
  // GET and lists: `$expand=instanceView` (VirtualMachines_Get/_List) and `statusOnly=true`
  // (VirtualMachines_ListAll: "enables fetching run time status of all Virtual Machines") add the
  // instance view with its PowerState status. The spec says `$expand` on a list "can only be specified
  // if a valid $filter option is specified"; the twin is lenient there (see README).
  render(twin, ctx, res) {
    const expand = (ctx.query.get("$expand") ?? "").toLowerCase() === "instanceview";
    const statusOnly = (ctx.query.get("statusOnly") ?? "").toLowerCase() === "true";
    if (!expand && !statusOnly) return res;
    return { ...res, properties: { ...res.properties, instanceView: instanceView(twin, res) } };
  },
  actions: {
    instanceview: { methods: ["GET"], run: (twin, _ctx, res) => ({ status: 200, body: instanceView(twin, res) }) },
    start: { methods: ["POST"], run: (twin, ctx, res) => powerAction(twin, ctx, res, "start") },
    poweroff: { methods: ["POST"], run: (twin, ctx, res) => powerAction(twin, ctx, res, "powerOff") },
    deallocate: { methods: ["POST"], run: (twin, ctx, res) => powerAction(twin, ctx, res, "deallocate") },
    restart: { methods: ["POST"], run: (twin, ctx, res) => powerAction(twin, ctx, res, "restart") },
    runcommand: { methods: ["POST"], run: runCommandAction },
  },
};

/** Keeps NIC.virtualMachine, disk.managedBy and availabilitySet.virtualMachines in step with the VM. */
export function attachVm(twin: Twin, vm: ArmResource, prev?: ArmResource): void {
  if (prev) detachVm(twin, prev);
  for (const [i, ref] of (vm.properties.networkProfile?.networkInterfaces ?? []).entries()) {
    const nic = twin.get(ref.id);
    if (!nic) continue;
    nic.properties.virtualMachine = { id: vm.id };
    nic.properties.primary = ref.properties?.primary ?? i === 0;
    nic.properties.macAddress = nic.properties.macAddress ?? macFor(nic.id);
  }
  const osDiskId = vm.properties.storageProfile?.osDisk?.managedDisk?.id;
  for (const diskId of [osDiskId, ...(vm.properties.storageProfile?.dataDisks ?? []).map((d: Json) => d.managedDisk?.id)]) {
    const disk = diskId ? twin.get(diskId) : undefined;
    if (disk) {
      disk.managedBy = vm.id;
      disk.properties.diskState = "Attached";
    }
  }
  const avset = vm.properties.availabilitySet?.id ? twin.get(vm.properties.availabilitySet.id) : undefined;
  if (avset)
    avset.properties.virtualMachines = [
      ...(avset.properties.virtualMachines ?? []).filter((r: Json) => !sameId(r.id, vm.id)),
      { id: vm.id },
    ];
  syncSubnetRefs(twin);
}

export function detachVm(twin: Twin, vm: ArmResource): void {
  for (const nic of twin.ofType("Microsoft.Network/networkInterfaces")) {
    if (sameId(nic.properties?.virtualMachine?.id, vm.id)) {
      delete nic.properties.virtualMachine;
      delete nic.properties.primary;
    }
  }
  for (const disk of twin.ofType(DISK)) {
    if (sameId(disk.managedBy, vm.id)) {
      delete disk.managedBy;
      disk.properties.diskState = "Unattached";
    }
  }
  for (const avset of twin.ofType(AVSET)) {
    avset.properties.virtualMachines = (avset.properties.virtualMachines ?? []).filter((r: Json) => !sameId(r.id, vm.id));
  }
}

function macFor(id: string): string {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return ["00", "0D", "3A", ((h >> 16) & 255).toString(16), ((h >> 8) & 255).toString(16), (h & 255).toString(16)]
    .map((x) => x.padStart(2, "0").toUpperCase())
    .join("-");
}

const POWER_TEXT: Record<string, string> = {
  running: "VM running",
  stopped: "VM stopped",
  deallocated: "VM deallocated",
  starting: "VM starting",
  stopping: "VM stopping",
  deallocating: "VM deallocating",
};

export function powerStateOf(twin: Twin, vmId: string): string {
  return twin.state.meta[vmId.toLowerCase()]?.powerState ?? "running";
}

export function instanceView(twin: Twin, vm: ArmResource): Json {
  const ps = powerStateOf(twin, vm.id);
  const prov = vm.properties?.provisioningState ?? "Succeeded";
  return {
    computerName: vm.name,
    osName: "Windows Server 2019 Datacenter",
    osVersion: "10.0.17763",
    vmAgent: twin.state.meta[vm.id.toLowerCase()]?.noVmAgent
      ? // A guest without the Azure VM agent (a Hyper-V VM nobody installed it in): as ARM shows an unresponsive agent.
        {
          vmAgentVersion: "Unknown",
          statuses: [
            {
              code: "ProvisioningState/Unavailable",
              level: "Warning",
              displayStatus: "Not Ready",
              message: "VM Agent is unresponsive.",
              time: iso(twin.now()),
            },
          ],
        }
      : {
          vmAgentVersion: "2.7.41491.1102",
          statuses: [
            {
              code: "ProvisioningState/succeeded",
              level: "Info",
              displayStatus: "Ready",
              message: "GuestAgent is running and processing the extensions.",
              time: iso(twin.now()),
            },
          ],
        },
    disks: [],
    hyperVGeneration: "V1",
    statuses: [
      {
        code: `ProvisioningState/${prov.toLowerCase()}`,
        level: "Info",
        displayStatus: `Provisioning ${prov.toLowerCase()}`,
        time: vm.properties?.timeCreated,
      },
      { code: `PowerState/${ps}`, level: "Info", displayStatus: POWER_TEXT[ps] ?? ps },
    ],
  };
}

function powerAction(twin: Twin, ctx: RequestCtx, vm: ArmResource, action: string): Reply {
  const meta = (twin.state.meta[vm.id.toLowerCase()] ??= {});
  meta.powerState = action === "start" || action === "restart" ? "starting" : action === "powerOff" ? "stopping" : "deallocating";
  const op = startOperation(twin, {
    kind: "action",
    resourceId: vm.id,
    namespace: "Microsoft.Compute",
    location: vm.location ?? "westeurope",
    seconds: 20,
    action,
  });
  twin.commit();
  return { status: 202, headers: asyncHeaders(twin, ctx, op) };
}

function runCommandAction(twin: Twin, ctx: RequestCtx, vm: ArmResource): Reply {
  const body = ctx.body;
  if (!body || typeof body !== "object" || typeof body.commandId !== "string") {
    throw badRequest("InvalidParameter", "Required parameter 'commandId' is missing (null).");
  }
  if (!["RunPowerShellScript", "RunShellScript"].includes(body.commandId) && !/^[A-Za-z]+$/.test(body.commandId)) {
    throw badRequest("InvalidParameter", `The command id ${String(body.commandId)} is not valid.`);
  }
  if (powerStateOf(twin, vm.id) !== "running") {
    throw new ArmError(
      409,
      "OperationNotAllowed",
      `Cannot run command on the VM ${vm.name} because the VM is not running (PowerState/${powerStateOf(twin, vm.id)}).`,
    );
  }
  const busy = Object.values(twin.state.operations).some(
    (o) => o.status === "InProgress" && o.action === "runCommand" && sameId(o.resourceId, vm.id),
  );
  if (busy)
    throw conflict("Conflict", "Run command extension execution is in progress. Please wait for completion before invoking a run command.");
  const script: string[] = Array.isArray(body.script) ? body.script.map(String) : [];
  const op = startOperation(twin, {
    kind: "action",
    resourceId: vm.id,
    namespace: "Microsoft.Compute",
    location: vm.location ?? "westeurope",
    seconds: 25,
    action: "runCommand",
    params: { commandId: body.commandId, script },
  });
  twin.commit();
  return { status: 202, headers: asyncHeaders(twin, ctx, op) };
}

export { lookup };
