import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as storage from "@pulumi/azure-native/storage";
import { containerUrl, storageAccountName, STORAGE_SUFFIX_LENGTH } from "./naming";

export interface DrillStorageArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  /** 3-16 lowercase letters and digits; 8 random lowercase letters/digits are appended. */
  accountNamePrefix: string;
  /** The blob container for drill evidence (reports, screenshots, logs). */
  containerName: string;
  tags?: Record<string, string>;
}

/**
 * Storage for the test VMs' boot diagnostics and the drill's evidence: a uniquely named account with
 * secure defaults (https only, TLS 1.2, no public blob access, infrastructure encryption) and a private
 * evidence container.
 */
export class DrillStorage extends pulumi.ComponentResource {
  readonly accountId: pulumi.Output<string>;
  readonly accountName: pulumi.Output<string>;
  readonly containerName: pulumi.Output<string>;
  readonly containerUrl: pulumi.Output<string>;

  constructor(name: string, args: DrillStorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("failover-drill:drill:DrillStorage", name, {}, opts);
    if (!/^[a-z0-9]{3,16}$/.test(args.accountNamePrefix)) {
      throw new Error(
        `DrillStorage ${name}: accountNamePrefix ${JSON.stringify(args.accountNamePrefix)} is not 3-16 lowercase letters and digits`,
      );
    }

    const suffix = new random.RandomString(
      `${name}-suffix`,
      { length: STORAGE_SUFFIX_LENGTH, upper: false, special: false, lower: true, numeric: true },
      { parent: this },
    );

    const account = new storage.StorageAccount(
      `${name}-account`,
      {
        accountName: suffix.result.apply((s) => storageAccountName(args.accountNamePrefix, s)),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: storage.Kind.StorageV2,
        sku: { name: storage.SkuName.Standard_LRS },
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
        allowBlobPublicAccess: false,
        encryption: {
          keySource: storage.KeySource.Microsoft_Storage,
          requireInfrastructureEncryption: true,
          services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
        },
        tags: args.tags,
      },
      { parent: this },
    );

    const container = new storage.BlobContainer(
      `${name}-evidence`,
      {
        accountName: account.name,
        resourceGroupName: args.resourceGroupName,
        containerName: args.containerName,
        publicAccess: storage.PublicAccess.None,
      },
      { parent: this },
    );

    this.accountId = account.id;
    this.accountName = account.name;
    this.containerName = container.name;
    this.containerUrl = pulumi
      .all([account.primaryEndpoints, account.name, container.name])
      .apply(([endpoints, accountName, containerName]) =>
        containerUrl(endpoints?.blob ?? `https://${accountName}.blob.core.windows.net/`, containerName),
      );

    this.registerOutputs({
      accountId: this.accountId,
      accountName: this.accountName,
      containerName: this.containerName,
      containerUrl: this.containerUrl,
    });
  }
}
