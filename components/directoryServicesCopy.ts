import * as pulumi from "@pulumi/pulumi";
import { TestFailover } from "./testFailover";
import type {
  ArmConnection,
  DrillTimeouts,
  ExpectedVmResult,
  ItemSettingsSnapshot,
  ProtectedItemRef,
  RecoveryPointType,
  VaultRef,
} from "./drillTypes";

/** One replicated domain controller / DNS server and the address its copy takes in the test network. */
export interface DomainControllerItem {
  ref: ProtectedItemRef;
  snapshot: ItemSettingsSnapshot;
  /** The copy's IP in the test network; becomes the network's DNS server. */
  testIp: string;
  /** Further expectations for the copy (size, NIC count, in-guest checks); its IP is testIp. */
  expected?: Omit<ExpectedVmResult, "friendlyName" | "ip">;
}

export interface DirectoryServicesCopyArgs {
  drillId: string;
  vault: VaultRef;
  arm: ArmConnection;
  domainControllers: DomainControllerItem[];
  testNetworkId: pulumi.Input<string>;
  testSubnets: pulumi.Input<{ name: string; addressPrefix: string }[]>;
  /** Microsoft's guidance: the latest application-consistent point for a domain controller. */
  recoveryPointType?: RecoveryPointType;
  notes: string;
  timeouts: DrillTimeouts;
  /** The KEK certificate (PFX, base 64; a secret) for domain controllers replicated with data encryption. */
  kekCertificatePfx?: pulumi.Input<string>;
}

/**
 * Why the protected item's own test-failover IP setting does not give the copy the configured address,
 * or undefined. ASR assigns the item's tfoStaticIPAddress (else recoveryStaticIPAddress) when it is free;
 * any other address would leave the test network's DNS pointing at nothing.
 */
export function dcAddressWarning(dc: { snapshot: ItemSettingsSnapshot; testIp: string }): string | undefined {
  const primary = dc.snapshot.nics.find((n) => n.isPrimary) ?? dc.snapshot.nics[0];
  const configured = primary?.tfoStaticIp || primary?.recoveryStaticIp;
  if (!configured) {
    return `${dc.snapshot.friendlyName}: its primary NIC has no static test failover IP, so ASR assigns the next free address (DHCP), not ${dc.testIp}; set the item's test failover IP to ${dc.testIp}`;
  }
  if (configured !== dc.testIp) {
    return `${dc.snapshot.friendlyName}: its primary NIC's test failover IP is ${configured}, not the configured directory copy IP ${dc.testIp}; the test network's DNS would point at the wrong address`;
  }
  return undefined;
}

/** The expectations handed to TestFailover for the DC copies: each at its test IP. */
export function directoryCopyExpectations(dcs: Pick<DomainControllerItem, "ref" | "testIp" | "expected">[]): ExpectedVmResult[] {
  return dcs.map((dc) => ({ ...(dc.expected ?? {}), friendlyName: dc.ref.friendlyName, ip: dc.testIp }));
}

/**
 * A copy of Active Directory and DNS inside the isolated test network: the test failover of the
 * replicated DC/DNS item(s), done first (the application test failover depends on it) so that
 * `pulumi destroy` cleans the DC up last, as Microsoft's test-failover guidance says.
 */
export class DirectoryServicesCopy extends pulumi.ComponentResource {
  /** The DC copies' IPs (the isolated network's DNS servers). */
  readonly dcIps: pulumi.Output<string[]>;
  /** The TestFailover resource; the application test failover must `dependsOn` it. */
  readonly testFailover: TestFailover;

  constructor(name: string, args: DirectoryServicesCopyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("failover-drill:drill:DirectoryServicesCopy", name, {}, opts);
    if (args.domainControllers.length === 0) {
      throw new Error(`DirectoryServicesCopy ${name}: at least one domain controller item is needed (failover-drill:directoryCopy.items)`);
    }

    for (const dc of args.domainControllers) {
      const warning = dcAddressWarning(dc);
      // Not awaited: the SDK's log calls never reject (undeliverable ones go to stderr) and keep the program alive until sent.
      if (warning) void pulumi.log.warn(warning, this);
    }

    this.testFailover = new TestFailover(
      `${name}-tfo`,
      {
        drillId: args.drillId,
        role: "directory-copy",
        vault: args.vault,
        arm: args.arm,
        scope: { kind: "protectedItems", items: args.domainControllers.map((dc) => dc.ref) },
        testNetworkId: args.testNetworkId,
        testSubnets: args.testSubnets,
        failoverDirection: "PrimaryToRecovery",
        recoveryPointType: args.recoveryPointType ?? "LatestApplicationConsistent",
        items: args.domainControllers.map((dc) => dc.snapshot),
        expected: directoryCopyExpectations(args.domainControllers),
        notes: args.notes,
        timeouts: args.timeouts,
        ...(args.kekCertificatePfx !== undefined ? { kekCertificatePfx: args.kekCertificatePfx } : {}),
      },
      { parent: this },
    );

    this.dcIps = pulumi.output(args.domainControllers.map((dc) => dc.testIp));
    this.registerOutputs({ dcIps: this.dcIps, testFailoverId: this.testFailover.id });
  }
}
