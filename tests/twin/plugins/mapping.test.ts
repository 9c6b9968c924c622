// The stand-in azure-native plugin's pure mapping: inputs → ARM request, ARM response → outputs, diff
// decisions, check failures, secret handling and the type table itself.
import * as fs from "fs";
import * as path from "path";
import {
  CREATE_BEFORE_DELETE,
  armErrorMessage,
  armPath,
  checkInputs,
  diffInputs,
  fromArmBody,
  pathParamsFromId,
  previewOutputs,
  setSubResources,
  toArmBody,
  unsetSubResources,
} from "../../../twin/plugins/azure-native/mapping";
import { INVOKES, INVOKE_BY_TOKEN, RESOURCE_BY_TOKEN, RESOURCE_TYPES, urnName, urnType } from "../../../twin/plugins/azure-native/types";
import {
  annotateSecrets,
  isSecret,
  secret,
  secretKeys,
  SIG_KEY,
  SECRET_SIG,
  UNKNOWN,
  unwrapSecrets,
} from "../../../twin/plugins/common/secrets";

const SUB = "11111111-1111-1111-1111-111111111111";
const spec = (token: string) => {
  const s = RESOURCE_BY_TOKEN.get(`azure-native:${token}`);
  if (!s) throw new Error(token);
  return s;
};
const ROOT = path.join(__dirname, "..", "..", "..");

describe("the type table", () => {
  it.each([...RESOURCE_TYPES, ...INVOKES].map((t) => [t.token, t] as const))(
    "%s matches the installed azure-native SDK (token, api-version)",
    (_token, t) => {
      const file = path.join(ROOT, t.apiVersionSource);
      const js = fs.readFileSync(file, "utf8");
      expect(js).toContain(`Uses Azure REST API version ${t.apiVersion}`);
      expect(js).toContain(t.kind === "resource" ? `__pulumiType = '${t.token}'` : `"${t.token}"`);
      // Every path parameter is an input of the SDK type.
      for (const p of t.pathParams) expect(js).toContain(`"${p}"`);
    },
  );

  it("has every type and invoke the drill program uses", () => {
    for (const t of [
      "resources:ResourceGroup",
      "network:VirtualNetwork",
      "network:Subnet",
      "network:NetworkSecurityGroup",
      "storage:StorageAccount",
      "storage:BlobContainer",
      "compute:AvailabilitySet",
    ]) {
      expect(RESOURCE_BY_TOKEN.has(`azure-native:${t}`)).toBe(true);
    }
    for (const f of [
      "recoveryservices:getReplicationProtectedItem",
      "recoveryservices:getReplicationRecoveryPlan",
      "storage:getStorageAccount",
      "compute:getAvailabilitySet",
      "network:getVirtualNetwork",
    ]) {
      expect(INVOKE_BY_TOKEN.has(`azure-native:${f}`)).toBe(true);
    }
  });

  it("the required inputs are the ones the SDK constructors insist on", () => {
    for (const t of RESOURCE_TYPES) {
      const js = fs.readFileSync(path.join(ROOT, t.apiVersionSource), "utf8");
      const sdkRequired = [...js.matchAll(/Missing required property '(\w+)'/g)].map((m) => m[1]).sort();
      expect([t.token, [...t.required].sort()]).toEqual([t.token, sdkRequired]);
    }
  });

  it("parses URNs (nested parents too)", () => {
    const urn = "urn:pulumi:dev::drill::failover-drill:drill:IsolatedTestNetwork$azure-native:network:VirtualNetwork::net-vnet";
    expect(urnType(urn)).toBe("azure-native:network:VirtualNetwork");
    expect(urnName(urn)).toBe("net-vnet");
  });
});

describe("inputs → ARM request", () => {
  it("VirtualNetwork: path from inputs, location/tags on top, properties below, inline subnets flattened", () => {
    const vnet = spec("network:VirtualNetwork");
    const inputs = {
      resourceGroupName: "drill-rg",
      virtualNetworkName: "drill-vnet",
      location: "westeurope",
      tags: { drill: "t1" },
      addressSpace: { addressPrefixes: ["10.10.0.0/16"] },
      dhcpOptions: { dnsServers: ["10.10.1.4"] },
      enableDdosProtection: false,
      enableVmProtection: false,
      subnets: [
        { name: "snet-a", addressPrefix: "10.10.1.0/24", networkSecurityGroup: { id: "/subscriptions/x/nsg/a" } },
        { name: "snet-b", addressPrefix: "10.10.2.0/24", serviceEndpoints: [{ service: "Microsoft.Storage" }] },
      ],
    };
    expect(armPath(vnet, inputs, SUB)).toBe(
      `/subscriptions/${SUB}/resourceGroups/drill-rg/providers/Microsoft.Network/virtualNetworks/drill-vnet`,
    );
    expect(vnet.apiVersion).toBe("2024-05-01");
    expect(toArmBody(vnet, inputs)).toEqual({
      location: "westeurope",
      tags: { drill: "t1" },
      properties: {
        addressSpace: { addressPrefixes: ["10.10.0.0/16"] },
        dhcpOptions: { dnsServers: ["10.10.1.4"] },
        enableDdosProtection: false,
        enableVmProtection: false,
        subnets: [
          { name: "snet-a", properties: { addressPrefix: "10.10.1.0/24", networkSecurityGroup: { id: "/subscriptions/x/nsg/a" } } },
          { name: "snet-b", properties: { addressPrefix: "10.10.2.0/24", serviceEndpoints: [{ service: "Microsoft.Storage" }] } },
        ],
      },
    });
  });

  it("NetworkSecurityGroup: security rules are sub-resources", () => {
    const nsg = spec("network:NetworkSecurityGroup");
    const body = toArmBody(nsg, {
      resourceGroupName: "rg",
      networkSecurityGroupName: "n",
      location: "westeurope",
      securityRules: [
        {
          name: "deny-internet-out",
          priority: 4000,
          direction: "Outbound",
          access: "Deny",
          protocol: "*",
          destinationAddressPrefix: "Internet",
        },
      ],
    });
    expect(body).toEqual({
      location: "westeurope",
      properties: {
        securityRules: [
          {
            name: "deny-internet-out",
            properties: { priority: 4000, direction: "Outbound", access: "Deny", protocol: "*", destinationAddressPrefix: "Internet" },
          },
        ],
      },
    });
  });

  it("StorageAccount: sku/kind on top, SDK names renamed to the ARM names", () => {
    const sa = spec("storage:StorageAccount");
    const inputs = {
      resourceGroupName: "rg",
      accountName: "drillabc12345",
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      networkRuleSet: { defaultAction: "Deny" },
      encryption: {
        keySource: "Microsoft.Storage",
        requireInfrastructureEncryption: true,
        keyVaultProperties: { keyName: "k" },
        services: { blob: { enabled: true, keyType: "Account" } },
      },
      tags: { a: "b" },
    };
    expect(armPath(sa, inputs, SUB)).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/drillabc12345`,
    );
    expect(toArmBody(sa, inputs)).toEqual({
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      tags: { a: "b" },
      properties: {
        supportsHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        networkAcls: { defaultAction: "Deny" },
        encryption: {
          keySource: "Microsoft.Storage",
          requireInfrastructureEncryption: true,
          keyvaultproperties: { keyName: "k" },
          services: { blob: { enabled: true, keyType: "Account" } },
        },
      },
    });
  });

  it("BlobContainer: nested path under blobServices/default, properties only", () => {
    const c = spec("storage:BlobContainer");
    const inputs = { resourceGroupName: "rg", accountName: "acct", containerName: "drill-evidence", publicAccess: "None" };
    expect(armPath(c, inputs, SUB)).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/drill-evidence`,
    );
    expect(toArmBody(c, inputs)).toEqual({ properties: { publicAccess: "None" } });
  });

  it("AvailabilitySet and ResourceGroup", () => {
    expect(
      toArmBody(spec("compute:AvailabilitySet"), {
        resourceGroupName: "rg",
        availabilitySetName: "a",
        location: "westeurope",
        sku: { name: "Aligned" },
        platformFaultDomainCount: 2,
      }),
    ).toEqual({
      location: "westeurope",
      sku: { name: "Aligned" },
      properties: { platformFaultDomainCount: 2 },
    });
    const rg = spec("resources:ResourceGroup");
    expect(armPath(rg, { resourceGroupName: "drill rg(1)" }, SUB)).toBe(`/subscriptions/${SUB}/resourceGroups/drill%20rg(1)`);
    expect(toArmBody(rg, { resourceGroupName: "x", location: "westeurope", tags: { t: "1" } })).toEqual({
      location: "westeurope",
      tags: { t: "1" },
    });
  });

  it("a missing path parameter is an error naming it", () => {
    expect(() => armPath(spec("network:Subnet"), { resourceGroupName: "rg", subnetName: "s" }, SUB)).toThrow(/virtualNetworkName/);
  });

  it("reads path parameters back from an ARM id (case-insensitively)", () => {
    const id = `/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.network/virtualNetworks/v/subnets/s`;
    expect(pathParamsFromId(spec("network:Subnet"), id)).toEqual({ resourceGroupName: "rg", virtualNetworkName: "v", subnetName: "s" });
    expect(pathParamsFromId(spec("network:VirtualNetwork"), id)).toBeUndefined();
  });
});

describe("ARM response → azure-native outputs", () => {
  it("flattens properties and sub-resources, drops id, adds azureApiVersion", () => {
    const vnet = spec("network:VirtualNetwork");
    const body = {
      id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v`,
      name: "v",
      type: "Microsoft.Network/virtualNetworks",
      location: "westeurope",
      etag: 'W/"1"',
      properties: {
        provisioningState: "Succeeded",
        addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        subnets: [
          {
            id: "/s/a",
            name: "a",
            properties: {
              addressPrefix: "10.0.1.0/24",
              networkSecurityGroup: { id: "/nsg" },
              ipConfigurations: [{ id: "/nic/ipc", properties: { privateIPAddress: "10.0.1.4" } }],
            },
          },
        ],
      },
    };
    expect(fromArmBody(vnet, body)).toEqual({
      name: "v",
      type: "Microsoft.Network/virtualNetworks",
      location: "westeurope",
      etag: 'W/"1"',
      provisioningState: "Succeeded",
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      subnets: [
        {
          id: "/s/a",
          name: "a",
          addressPrefix: "10.0.1.0/24",
          networkSecurityGroup: { id: "/nsg" },
          ipConfigurations: [{ id: "/nic/ipc", privateIPAddress: "10.0.1.4" }],
        },
      ],
      azureApiVersion: "2024-05-01",
    });
  });

  it("storage: ARM names renamed back to SDK names; invokes keep id", () => {
    const inv = INVOKE_BY_TOKEN.get("azure-native:storage:getStorageAccount")!;
    const out = fromArmBody(
      inv,
      {
        id: "/sa",
        name: "sa",
        kind: "StorageV2",
        properties: {
          supportsHttpsTrafficOnly: true,
          networkAcls: { defaultAction: "Allow" },
          encryption: { keySource: "Microsoft.Storage", keyvaultproperties: { keyName: "k" } },
        },
      },
      { keepId: true },
    );
    expect(out).toEqual({
      id: "/sa",
      name: "sa",
      kind: "StorageV2",
      enableHttpsTrafficOnly: true,
      networkRuleSet: { defaultAction: "Allow" },
      encryption: { keySource: "Microsoft.Storage", keyVaultProperties: { keyName: "k" } },
      azureApiVersion: "2024-01-01",
    });
  });

  it("resource groups and ASR objects keep `properties` nested", () => {
    expect(
      fromArmBody(spec("resources:ResourceGroup"), {
        id: "/rg",
        name: "rg",
        location: "westeurope",
        properties: { provisioningState: "Succeeded" },
      }),
    ).toEqual({
      name: "rg",
      location: "westeurope",
      properties: { provisioningState: "Succeeded" },
      azureApiVersion: "2024-03-01",
    });
    const pi = INVOKE_BY_TOKEN.get("azure-native:recoveryservices:getReplicationProtectedItem")!;
    const body = {
      id: "/pi",
      name: "pi",
      properties: { friendlyName: "DC01", providerSpecificDetails: { instanceType: "HyperVReplicaAzure", vmNics: [{ nicId: "n" }] } },
    };
    expect(fromArmBody(pi, body, { keepId: true })).toEqual({ ...body, azureApiVersion: "2024-10-01" });
  });
});

describe("check", () => {
  it("names each missing required input", () => {
    const r = checkInputs(spec("storage:StorageAccount"), "sa", {}, { accountName: "x" });
    expect(r.failures.map((f) => f.property).sort()).toEqual(["kind", "resourceGroupName", "sku"]);
    expect(r.failures[0].reason).toMatch(/Missing required property '\w+'/);
  });

  it("auto-names a missing own name and keeps it stable across updates", () => {
    const vnet = spec("network:VirtualNetwork");
    const first = checkInputs(vnet, "my-vnet", {}, { resourceGroupName: "rg" });
    expect(first.failures).toEqual([]);
    expect(first.inputs.virtualNetworkName).toMatch(/^my-vnet[0-9a-f]{8}$/);
    const again = checkInputs(vnet, "my-vnet", first.inputs, { resourceGroupName: "rg", tags: { a: "b" } });
    expect(again.inputs.virtualNetworkName).toBe(first.inputs.virtualNetworkName);
    const sa = checkInputs(
      spec("storage:StorageAccount"),
      "Drill-Storage-Account-Long",
      {},
      { resourceGroupName: "rg", kind: "StorageV2", sku: { name: "Standard_LRS" } },
    );
    expect(sa.inputs.accountName).toMatch(/^[a-z0-9]{3,24}$/);
  });

  it("with the engine's random seed the auto-name is the same in preview and up (azure-native NewUniqueName(randomSeed, …))", () => {
    const vnet = spec("network:VirtualNetwork");
    const seed = Uint8Array.from([1, 2, 3, 4]);
    const a = checkInputs(vnet, "net", {}, { resourceGroupName: "rg" }, seed).inputs.virtualNetworkName;
    const b = checkInputs(vnet, "net", {}, { resourceGroupName: "rg" }, seed).inputs.virtualNetworkName;
    const c = checkInputs(vnet, "net", {}, { resourceGroupName: "rg" }, Uint8Array.from([9])).inputs.virtualNetworkName;
    expect(a).toMatch(/^net[0-9a-f]{8}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it("unknown values in preview count as present", () => {
    expect(
      checkInputs(spec("storage:BlobContainer"), "c", {}, { accountName: UNKNOWN, resourceGroupName: "rg", containerName: "c" }).failures,
    ).toEqual([]);
  });
});

describe("diff", () => {
  const vnet = spec("network:VirtualNetwork");
  const base = {
    resourceGroupName: "rg",
    virtualNetworkName: "v",
    location: "westeurope",
    tags: { a: "1" },
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
  };

  it("equal inputs: no change (key order and undefined do not matter)", () => {
    const d = diffInputs(vnet, base, {
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      tags: { a: "1" },
      location: "westeurope",
      virtualNetworkName: "v",
      resourceGroupName: "rg",
      dhcpOptions: undefined,
    });
    expect(d).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false, changed: [], detailedDiff: {} });
  });

  it("a tag or property change is an update in place, with a detailed diff per property", () => {
    expect(diffInputs(vnet, base, { ...base, tags: { a: "2" } })).toMatchObject({
      changes: true,
      replaces: [],
      changed: ["tags"],
      detailedDiff: { tags: "update" },
    });
    expect(diffInputs(vnet, base, { ...base, dhcpOptions: { dnsServers: ["10.0.0.4"] } }).detailedDiff).toEqual({ dhcpOptions: "add" });
    const { tags: _t, ...noTags } = base;
    expect(diffInputs(vnet, base, noTags).detailedDiff).toEqual({ tags: "delete" });
  });

  it("location compares without case and spaces (azure-native normalizedLocation)", () => {
    expect(diffInputs(vnet, base, { ...base, location: "West Europe" }).changes).toBe(false);
  });

  it("a path parameter or location change is a replacement; an explicitly named resource is deleted first (azure-native 3.x)", () => {
    expect(diffInputs(vnet, base, { ...base, virtualNetworkName: "v2" })).toMatchObject({
      changes: true,
      replaces: ["virtualNetworkName"],
      deleteBeforeReplace: true,
      detailedDiff: { virtualNetworkName: "update-replace" },
    });
    expect(diffInputs(vnet, base, { ...base, location: "northeurope" })).toMatchObject({
      replaces: ["location"],
      deleteBeforeReplace: true,
    });
    const sa = spec("storage:StorageAccount");
    const old = { resourceGroupName: "rg1", accountName: "acct", kind: "StorageV2", sku: { name: "Standard_LRS" } };
    expect(diffInputs(sa, old, { ...old, accountName: "acct2" })).toMatchObject({ replaces: ["accountName"], deleteBeforeReplace: true });
  });

  it("a randomly auto-named resource is replaced create-before-delete (__createBeforeDelete)", () => {
    const named = checkInputs(vnet, "net", {}, { resourceGroupName: "rg" }).inputs;
    expect(named[CREATE_BEFORE_DELETE]).toBe(true);
    // The flag stays with the kept name, and is not sent to ARM.
    expect(checkInputs(vnet, "net", named, { resourceGroupName: "rg2" }).inputs).toMatchObject({
      virtualNetworkName: named.virtualNetworkName,
      [CREATE_BEFORE_DELETE]: true,
    });
    expect(toArmBody(vnet, named)).not.toHaveProperty(CREATE_BEFORE_DELETE);
    expect(diffInputs(vnet, named, { ...named, resourceGroupName: "rg2" })).toMatchObject({
      replaces: ["resourceGroupName"],
      deleteBeforeReplace: false,
      changed: ["resourceGroupName"],
    });
    expect(checkInputs(vnet, "net", {}, { resourceGroupName: "rg", virtualNetworkName: "mine" }).inputs).not.toHaveProperty(
      CREATE_BEFORE_DELETE,
    );
  });

  it("unknown values count as changes; secrets compare by value", () => {
    expect(diffInputs(vnet, base, { ...base, virtualNetworkName: UNKNOWN })).toMatchObject({
      replaces: ["virtualNetworkName"],
      deleteBeforeReplace: true,
    });
    expect(diffInputs(vnet, { ...base, tags: secret({ a: "1" }) }, base).changes).toBe(false);
  });
});

describe("sub-resources azure-native keeps", () => {
  it("are exactly the array inputs the SDK documents as 'also available as standalone resources'", () => {
    for (const t of RESOURCE_TYPES) {
      const dts = fs.readFileSync(path.join(ROOT, t.apiVersionSource.replace(/\.js$/, ".d.ts")), "utf8");
      const args = dts.slice(dts.indexOf("Args {"));
      const marked = [...args.matchAll(/These are also available as standalone resources[^*]*\*\/\s*(\w+)\?:/g)].map((m) => m[1]).sort();
      expect([t.token, [...(t.maintainSubResources ?? [])].sort()]).toEqual([t.token, marked]);
    }
  });

  it("unset ones are found in the ARM body and filled in under properties", () => {
    const vnet = spec("network:VirtualNetwork");
    const body = toArmBody(vnet, {
      resourceGroupName: "rg",
      virtualNetworkName: "v",
      location: "l",
      subnets: [{ name: "a", addressPrefix: "10.0.0.0/24" }],
    });
    expect(unsetSubResources(vnet, body)).toEqual(["virtualNetworkPeerings"]);
    expect(setSubResources(vnet, body, ["virtualNetworkPeerings"], () => [])).toEqual({
      location: "l",
      properties: { subnets: [{ name: "a", properties: { addressPrefix: "10.0.0.0/24" } }], virtualNetworkPeerings: [] },
    });
    expect(unsetSubResources(spec("compute:AvailabilitySet"), {})).toEqual([]);
  });
});

describe("preview outputs", () => {
  it("are the inputs without path parameters, computed values unknown, name/location from the old state", () => {
    const sa = spec("storage:StorageAccount");
    const inputs = {
      resourceGroupName: "rg",
      accountName: "acct",
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      [CREATE_BEFORE_DELETE]: true,
    };
    expect(previewOutputs(sa, inputs)).toEqual({
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      name: UNKNOWN,
      type: UNKNOWN,
      etag: UNKNOWN,
      provisioningState: UNKNOWN,
      azureApiVersion: "2024-01-01",
    });
    expect(
      previewOutputs(sa, { ...inputs, location: UNKNOWN }, { name: "acct", location: "westeurope", primaryEndpoints: {} }),
    ).toMatchObject({ name: "acct", location: "westeurope" });
  });
});

describe("secrets", () => {
  it("unwraps sig objects at any depth and re-marks outputs of secret inputs", () => {
    const raw = { a: { [SIG_KEY]: SECRET_SIG, value: "s3cret" }, b: [{ c: secret({ d: 1 }) }], e: 1 };
    expect(unwrapSecrets(raw)).toEqual({ a: "s3cret", b: [{ c: { d: 1 } }], e: 1 });
    const keys = secretKeys(raw);
    expect([...keys].sort()).toEqual(["a", "b"]);
    const outs = annotateSecrets({ a: "s3cret", b: [], e: 1 }, keys);
    expect(isSecret(outs.a) && isSecret(outs.b) && !isSecret(outs.e)).toBe(true);
  });
});

describe("ARM errors", () => {
  it("carry the ARM code and message", () => {
    const msg = armErrorMessage(
      400,
      { error: { code: "NetcfgInvalidSubnet", message: "Subnet 'a' is not valid in virtual network 'v'." } },
      "creating /x",
    );
    expect(msg).toBe("creating /x: NetcfgInvalidSubnet: Subnet 'a' is not valid in virtual network 'v'. [status 400]");
    expect(armErrorMessage(502, "bad gateway", "GET /y")).toContain("HTTP502: bad gateway");
  });
});
