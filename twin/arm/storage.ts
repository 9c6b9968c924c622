// Microsoft.Storage: storage accounts (global name uniqueness, secure-default properties,
// encryption — "SSE-encrypted" = encryption.services.blob.enabled) and blob containers.
import type { ArmResource, Json } from "../store";
import { badRequest, conflict } from "../errors";
import type { PutArgs, ResourceKind } from "./kind";
import { parentIdOf } from "./lookup";

const ACCOUNT = "Microsoft.Storage/storageAccounts";
const SKUS = [
  "Standard_LRS",
  "Standard_GRS",
  "Standard_RAGRS",
  "Standard_ZRS",
  "Premium_LRS",
  "Premium_ZRS",
  "Standard_GZRS",
  "Standard_RAGZRS",
];
const KINDS = ["Storage", "StorageV2", "BlobStorage", "FileStorage", "BlockBlobStorage"];
const TLS = ["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"];

export const storageAccountKind: ResourceKind = {
  type: ACCOUNT,
  putMode: "location",
  deleteMode: "sync",
  seconds: 20,
  creatingState: "Creating",
  tracked: true,
  patch: true,
  afterPut(twin, res) {
    // ARM exposes blobServices/default on every account; containers hang below it.
    const svc = `${res.id}/blobServices/default`;
    if (!twin.get(svc))
      twin.set({ id: svc, name: "default", type: `${ACCOUNT}/blobServices`, properties: { deleteRetentionPolicy: { enabled: false } } });
  },
  build({ twin, id, name, body, existing }: PutArgs): ArmResource {
    if (!/^[a-z0-9]{3,24}$/.test(name)) {
      throw badRequest(
        "AccountNameInvalid",
        `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
      );
    }
    const taken = twin.ofType(ACCOUNT).find((a) => a.name === name && a.id.toLowerCase() !== id.toLowerCase());
    if (taken) throw conflict("StorageAccountAlreadyTaken", `The storage account named ${name} is already taken.`);
    const sku = body.sku?.name ?? existing?.sku?.name;
    if (!SKUS.includes(sku))
      throw badRequest(
        "InvalidRequestPropertyValue",
        `The value '${String(sku)}' is not valid for property 'sku.name'. Allowed: ${SKUS.join(", ")}.`,
      );
    const kind = body.kind ?? existing?.kind ?? "StorageV2";
    if (!KINDS.includes(kind))
      throw badRequest("InvalidRequestPropertyValue", `The value '${String(kind)}' is not valid for property 'kind'.`);
    const p = { ...(existing?.properties ?? {}), ...(body.properties ?? {}) };
    if (p.minimumTlsVersion !== undefined && !TLS.includes(p.minimumTlsVersion)) {
      throw badRequest(
        "InvalidRequestPropertyValue",
        `The value '${String(p.minimumTlsVersion)}' is not valid for property 'minimumTlsVersion'.`,
      );
    }
    const ep = (svc: string) => `https://${name}.${svc}.core.windows.net/`;
    return {
      id,
      name,
      type: ACCOUNT,
      sku: { name: sku, tier: sku.startsWith("Premium") ? "Premium" : "Standard" },
      kind,
      properties: {
        ...p,
        encryption: p.encryption ?? {
          services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
          keySource: "Microsoft.Storage",
          requireInfrastructureEncryption: false,
        },
        supportsHttpsTrafficOnly: p.supportsHttpsTrafficOnly ?? true,
        minimumTlsVersion: p.minimumTlsVersion ?? "TLS1_2",
        allowBlobPublicAccess: p.allowBlobPublicAccess ?? false,
        allowSharedKeyAccess: p.allowSharedKeyAccess ?? true,
        accessTier: kind === "StorageV2" || kind === "BlobStorage" ? (p.accessTier ?? "Hot") : undefined,
        networkAcls: p.networkAcls ?? { bypass: "AzureServices", virtualNetworkRules: [], ipRules: [], defaultAction: "Allow" },
        primaryEndpoints: { blob: ep("blob"), queue: ep("queue"), table: ep("table"), file: ep("file"), dfs: ep("dfs"), web: ep("z6.web") },
        primaryLocation: body.location ?? existing?.location ?? "westeurope",
        statusOfPrimary: "available",
        creationTime: existing?.properties?.creationTime ?? new Date(twin.now()).toISOString(),
      },
    };
  },
};

/** True when the account's blob service is encrypted with Storage Service Encryption. */
export function isSseEncrypted(account: ArmResource | undefined): boolean {
  return account?.properties?.encryption?.services?.blob?.enabled === true;
}

export const blobServiceKind: ResourceKind = {
  type: `${ACCOUNT}/blobServices`,
  putMode: "sync",
  deleteMode: "sync",
  seconds: 0,
  tracked: false,
  build({ id, name, body }: PutArgs): ArmResource {
    if (name !== "default") throw badRequest("InvalidResourceName", "The blob service name must be 'default'.");
    return { id, name, type: `${ACCOUNT}/blobServices`, properties: { ...(body.properties ?? {}) } };
  },
};

const CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export const blobContainerKind: ResourceKind = {
  type: `${ACCOUNT}/blobServices/containers`,
  putMode: "sync",
  deleteMode: "sync",
  seconds: 0,
  tracked: false,
  build({ twin, id, name, body, existing }: PutArgs): ArmResource {
    if (!CONTAINER.test(name)) {
      throw badRequest(
        "ContainerOperationFailure",
        `The specified resource name contains invalid characters. Container names must be 3-63 lowercase letters, digits or single hyphens: '${name}'.`,
      );
    }
    const account = twin.get(parentIdOf(parentIdOf(id)));
    const access: Json = body.properties?.publicAccess ?? "None";
    if (!["None", "Blob", "Container"].includes(access))
      throw badRequest("InvalidRequestPropertyValue", `The value '${String(access)}' is not valid for property 'publicAccess'.`);
    if (access !== "None" && account?.properties?.allowBlobPublicAccess !== true) {
      throw conflict("PublicAccessNotPermitted", "Public access is not permitted on this storage account.");
    }
    return {
      id,
      name,
      type: `${ACCOUNT}/blobServices/containers`,
      etag: `"0x${Date.now().toString(16).toUpperCase()}"`,
      properties: {
        ...(existing?.properties ?? {}),
        ...(body.properties ?? {}),
        publicAccess: access,
        leaseStatus: "Unlocked",
        leaseState: "Available",
        hasImmutabilityPolicy: false,
        hasLegalHold: false,
      },
    };
  },
};
