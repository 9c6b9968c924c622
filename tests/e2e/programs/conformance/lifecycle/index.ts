// An ordinary azure-native program, not the drill's components, for the resource lifecycle: a storage
// account whose name comes from config (a name change is a replacement in azure-native), availability
// sets with `protect`, `ignoreChanges` and `deleteBeforeReplace`, and one deleted behind Pulumi's back.
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";

const config = new pulumi.Config();

const rg = new resources.ResourceGroup("rg", { resourceGroupName: "conformance-lifecycle-rg", location: "westeurope" });

const account = new storage.StorageAccount("account", {
  resourceGroupName: rg.name,
  accountName: config.get("accountName") ?? "conformancelife01",
  kind: storage.Kind.StorageV2,
  sku: { name: storage.SkuName.Standard_LRS },
  tags: { case: "lifecycle" },
});

// Protected: `pulumi destroy` must refuse while `protect` is set.
const kept = new compute.AvailabilitySet(
  "kept",
  {
    resourceGroupName: rg.name,
    availabilitySetName: "avset-kept",
    platformFaultDomainCount: 2,
    platformUpdateDomainCount: 5,
    sku: { name: "Aligned" },
  },
  { protect: config.getBoolean("protect") ?? true },
);

// Tags changed outside the program's concern: ignoreChanges keeps the plan empty.
const ignored = new compute.AvailabilitySet(
  "ignored",
  {
    resourceGroupName: rg.name,
    availabilitySetName: "avset-ignored",
    sku: { name: "Aligned" },
    tags: { owner: config.get("owner") ?? "team-a" },
  },
  { ignoreChanges: ["tags"] },
);

// Auto-named (so azure-native would create the replacement first) but deleteBeforeReplace forces delete-first.
const moved = new compute.AvailabilitySet(
  "moved",
  { resourceGroupName: rg.name, location: config.get("movedLocation") ?? "westeurope", sku: { name: "Aligned" } },
  { deleteBeforeReplace: true },
);

export const accountName = account.name;
export const keptId = kept.id;
export const ignoredId = ignored.id;
export const movedId = moved.id;
export const movedName = moved.name;
