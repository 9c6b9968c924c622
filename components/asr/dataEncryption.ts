// Hyper-V VMs replicated with data encryption need the key-encryption-key certificate at failover:
// HyperVReplicaAzureTestFailoverInput.primaryKekCertificatePfx ("Primary kek certificate pfx", spec; "in
// Base-64 encoded form", azure-powershell, whose cmdlets send Convert.ToBase64String of the .pfx file), and
// RecoveryPlanHyperVReplicaAzureFailoverInput.primaryKekCertificatePfx for a plan. The drill sends the
// certificate from the secret `failover-drill:kekCertificatePfx` for exactly the encrypted items (a plan:
// when any of its items is encrypted); without it such an item is refused — in preview from its settings
// snapshot, and in create's preflight from the live item. The vault's fabric shows the same fact as
// encryptionDetails.kekState "Enabled" (PowerShell E2A TestTFO recording).
// Microsoft retired this data encryption on 30 April 2022 ("any VMs that still use the retired encryption
// feature will cease failover operations", Azure update, azure-deprecation/dashboard#39); the REST spec
// still carries the fields, so an item that still shows encryption "Enabled" gets the certificate sent and
// the service decides. Re-protecting it with a new replication policy is the lasting fix.

export const KEK_CONFIG_KEY = "failover-drill:kekCertificatePfx";

export function isDataEncrypted(encryption: string | null | undefined): boolean {
  return /^enabled$/i.test(encryption ?? "");
}

/** True when a KEK certificate is configured (an unknown value in preview counts: it will be known). */
export function hasKek(kek: string | null | undefined): boolean {
  return typeof kek === "string" && kek !== "";
}

export function dataEncryptionRefusal(friendlyName: string, encryption: string | null | undefined): string {
  return (
    `${friendlyName}: providerSpecificDetails.encryption is ${JSON.stringify(encryption)}: its test failover needs the key-encryption-key certificate ` +
    `(primaryKekCertificatePfx), and ${KEK_CONFIG_KEY} is not set; set it as a secret ` +
    `(pulumi config set --secret ${KEK_CONFIG_KEY} "$(base64 -w0 kek.pfx)"), or take the item out of the drill's scope (failover-drill:scope)`
  );
}
