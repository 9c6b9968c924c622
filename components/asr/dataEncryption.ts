// Hyper-V VMs replicated with data encryption need the key-encryption-key certificate at failover:
// HyperVReplicaAzureTestFailoverInput.primaryKekCertificatePfx ("Primary kek certificate pfx", spec).
// The drill does not carry that certificate (a secret the drill would have to hold and send), so such an
// item is refused — in preview from its settings snapshot, and in create's preflight from the live item —
// with what to do instead. The vault's fabric shows the same fact as encryptionDetails.kekState "Enabled"
// (PowerShell E2A TestTFO recording).

export function isDataEncrypted(encryption: string | null | undefined): boolean {
  return /^enabled$/i.test(encryption ?? "");
}

export function dataEncryptionRefusal(friendlyName: string, encryption: string | null | undefined): string {
  return (
    `${friendlyName}: providerSpecificDetails.encryption is ${JSON.stringify(encryption)}: its test failover needs the key-encryption-key certificate ` +
    "(primaryKekCertificatePfx), which this drill does not send; run its test failover from the portal or PowerShell with the certificate, " +
    "or take it out of the drill's scope (failover-drill:scope)"
  );
}
