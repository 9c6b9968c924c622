import type { DrillStorage as StorageClass } from "../../components/drillStorage";
import { Harness, installMocks, settle, value } from "./mockHarness";

let harness: Harness;
let DrillStorage: typeof StorageClass;

beforeAll(async () => {
  harness = await installMocks();
  ({ DrillStorage } = await import("../../components/drillStorage"));
});

describe("DrillStorage", () => {
  let storage: StorageClass;
  beforeAll(async () => {
    storage = new DrillStorage("evidence", {
      resourceGroupName: "contoso-drill-rg",
      location: "westeurope",
      accountNamePrefix: "contosodrill",
      containerName: "drill-evidence",
      tags: { "drill-id": "d1" },
    });
    await value(storage.containerUrl);
    await settle();
  });

  it("declares a random suffix, an account and a container, all children of the component", () => {
    const component = harness.one("failover-drill:drill:DrillStorage", "evidence");
    const children = harness.resources.filter((r) => r.parent === component.urn);
    expect(children.map((r) => `${r.type}/${r.name}`).sort()).toEqual([
      "azure-native:storage:BlobContainer/evidence-evidence",
      "azure-native:storage:StorageAccount/evidence-account",
      "random:index/randomString:RandomString/evidence-suffix",
    ]);
  });

  it("draws the suffix from lowercase letters and digits only", () => {
    const suffix = harness.one("random:index/randomString:RandomString", "evidence-suffix");
    expect(suffix.inputs).toMatchObject({ length: 8, upper: false, special: false, lower: true, numeric: true });
  });

  it("names the account prefix + suffix and applies the secure defaults", () => {
    const account = harness.one("azure-native:storage:StorageAccount", "evidence-account");
    expect(account.inputs.accountName).toBe("contosodrilla1b2c3d4");
    expect(account.inputs.accountName).toMatch(/^[a-z0-9]{3,24}$/);
    expect(account.inputs).toMatchObject({
      resourceGroupName: "contoso-drill-rg",
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      encryption: { requireInfrastructureEncryption: true, keySource: "Microsoft.Storage" },
      tags: { "drill-id": "d1" },
    });
  });

  it("creates a private evidence container in the account", () => {
    const container = harness.one("azure-native:storage:BlobContainer", "evidence-evidence");
    expect(container.inputs).toMatchObject({
      accountName: "contosodrilla1b2c3d4",
      containerName: "drill-evidence",
      publicAccess: "None",
      resourceGroupName: "contoso-drill-rg",
    });
  });

  it("outputs the account id, name and container URL", async () => {
    expect(await value(storage.accountId)).toMatch(/\/providers\/Microsoft\.Storage\/storageAccounts\/contosodrilla1b2c3d4$/);
    expect(await value(storage.accountName)).toBe("contosodrilla1b2c3d4");
    expect(await value(storage.containerUrl)).toBe("https://contosodrilla1b2c3d4.blob.core.windows.net/drill-evidence");
  });

  it("refuses a prefix that cannot make a storage account name", () => {
    expect(
      () =>
        new DrillStorage("bad", {
          resourceGroupName: "rg",
          location: "westeurope",
          accountNamePrefix: "Contoso-Drill",
          containerName: "c1c",
        }),
    ).toThrow(/accountNamePrefix "Contoso-Drill" is not 3-16 lowercase letters and digits/);
  });
});
