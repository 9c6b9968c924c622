// Pulumi mocks for the component tests: records every registered resource with its inputs, parent and
// dependencies (the mock monitor's newResource sees neither), answers invokes from a table, and
// returns non-empty ids and explicit outputs (see reference/pulumi-offline.md §6).
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  urn: string;
  parent: string;
  dependencies: string[];
  inputs: Record<string, any>;
  /** The provider reference the resource was registered with ("<urn>::<id>"), empty for the default provider. */
  provider: string;
}

export interface Harness {
  resources: Registered[];
  invokes: { token: string; inputs: Record<string, any>; provider?: string }[];
  byType(type: string): Registered[];
  one(type: string, name?: string): Registered;
}

/** Outputs a provider would compute for the resource types the drill declares. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  switch (type) {
    case "random:index/randomString:RandomString":
      return { result: "a1b2c3d4".slice(0, inputs.length ?? 8) };
    case "azure-native:resources:ResourceGroup":
      return { name: inputs.resourceGroupName ?? name };
    case "azure-native:network:VirtualNetwork":
      return { name: inputs.virtualNetworkName ?? name };
    case "azure-native:network:NetworkSecurityGroup":
      return { name: inputs.networkSecurityGroupName ?? name };
    case "azure-native:storage:StorageAccount":
      return { name: inputs.accountName, primaryEndpoints: { blob: `https://${inputs.accountName}.blob.core.windows.net/` } };
    case "azure-native:storage:BlobContainer":
      return { name: inputs.containerName };
    default:
      return {};
  }
}

function armId(type: string, name: string, inputs: Record<string, any>): string {
  const sub = "/subscriptions/11111111-1111-1111-1111-111111111111";
  switch (type) {
    case "azure-native:resources:ResourceGroup":
      return `${sub}/resourceGroups/${inputs.resourceGroupName}`;
    case "azure-native:network:VirtualNetwork":
      return `${sub}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Network/virtualNetworks/${inputs.virtualNetworkName}`;
    case "azure-native:network:NetworkSecurityGroup":
      return `${sub}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/${inputs.networkSecurityGroupName}`;
    case "azure-native:storage:StorageAccount":
      return `${sub}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}`;
    default:
      return `${name}-id`;
  }
}

export async function installMocks(
  invoke: (token: string, inputs: Record<string, any>) => Record<string, any> = () => ({}),
  preview = false,
): Promise<Harness> {
  const resources: Registered[] = [];
  const invokes: Harness["invokes"] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args: pulumi.runtime.MockResourceArgs) => ({
        id: armId(args.type, args.name, args.inputs),
        state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs) },
      }),
      call: (args: pulumi.runtime.MockCallArgs) => {
        invokes.push({ token: args.token, inputs: args.inputs, provider: args.provider });
        return invoke(args.token, args.inputs);
      },
    },
    "failover-drill",
    "test",
    preview,
  );
  const monitor = pulumi.runtime.getMonitor() as any;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    original(req, (err: any, resp: any) => {
      if (!err) {
        resources.push({
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          parent: req.getParent(),
          dependencies: req.getDependenciesList(),
          provider: req.getProvider(),
          inputs: pulumi.runtime.deserializeProperties(req.getObject()),
        });
      }
      callback(err, resp);
    });
  };
  return {
    resources,
    invokes,
    byType: (type) => resources.filter((r) => r.type === type),
    one: (type, name) => {
      const hits = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (hits.length !== 1)
        throw new Error(
          `expected one ${type}${name ? ` named ${name}` : ""}, found ${hits.length}: ${resources.map((r) => `${r.type}/${r.name}`).join(", ")}`,
        );
      return hits[0];
    },
  };
}

export function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Lets pending registrations reach the monitor. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
