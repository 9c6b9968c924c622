// A test VM must not be reachable from the Internet: the way in is the drill's Bastion
// (testNetwork.access.bastion). ASR gives a test VM's NIC the public IP set as its test failover public IP
// (HyperVReplicaAzure vmNics[].ipConfigs[].tfoPublicIPAddressId), so an item with one is refused before
// the test failover is triggered.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { PORTAL_COMPUTE_AND_NETWORK, violation, where } from "../lib/messages";
import { forEachItem, isTestFailover, nicName } from "../lib/testFailover";
import { asArray, asString } from "../lib/unknowns";

export const testVmNoPublicIp: ResourceValidationPolicy = {
  name: "test-vm-no-public-ip",
  description: "No test VM NIC gets a public IP (test failover public IP address); reach test VMs through the drill's Azure Bastion.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isTestFailover(args.type, args.props)) return;
    forEachItem(args.props, (item, name) => {
      asArray(item.nics).forEach((nic, i) => {
        const pip = asString(nic.tfoPublicIpAddressId)?.trim();
        if (!pip) return;
        reportViolation(
          violation(
            where(args.name, name, nicName(nic, i)),
            `the test VM's NIC would get public IP ${pip}, which opens the isolated test network to the Internet`,
            `clear the test failover public IP in ${PORTAL_COMPUTE_AND_NETWORK} > Network properties, and connect through failover-drill:testNetwork.access.bastion instead`,
          ),
        );
      });
    });
  },
};
