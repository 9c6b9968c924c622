// Which subscription the isolated test network must be in: the one the test VMs are created in. ASR
// creates each test VM and its NICs in the item's recovery resource group (recoveryAzureResourceGroupId),
// and "you can only assign a network interface to a virtual network that exists in the same subscription
// and location as the network interface" (Microsoft Learn, "Create, change, or delete a network interface",
// MicrosoftDocs/azure-docs articles/virtual-network/virtual-network-network-interface.md). So a test network
// in another subscription than an item's recovery resource group is refused before anything is written.
// Pure: the config path, the value and the expectation, like config.ts' problems.
import { problem } from "./config";

/** What the check needs of each in-scope item (an ItemSettingsSnapshot fits). */
export interface ItemRecoveryResourceGroup {
  friendlyName: string;
  recoveryResourceGroupId?: string;
}

const SUBSCRIPTION = /^\/subscriptions\/([^/]+)\//i;

/**
 * Problems when an item's test VM would land in another subscription than the test network. `configured`
 * is testNetwork.subscriptionId (undefined: the network goes to the vault's subscription).
 */
export function testNetworkSubscriptionProblems(
  networkSubscriptionId: string,
  configured: string | undefined,
  items: ItemRecoveryResourceGroup[],
): string[] {
  const apart = new Map<string, string[]>();
  for (const item of items) {
    const sub = SUBSCRIPTION.exec(item.recoveryResourceGroupId ?? "")?.[1];
    if (!sub || sub.toLowerCase() === networkSubscriptionId.toLowerCase()) continue;
    apart.set(sub.toLowerCase(), [
      ...(apart.get(sub.toLowerCase()) ?? []),
      `${item.friendlyName} (recovery resource group ${item.recoveryResourceGroupId})`,
    ]);
  }
  return [...apart.entries()].map(([sub, names]) =>
    problem(
      ["testNetwork", "subscriptionId"],
      configured,
      `${configured === undefined ? `leaves the test network in the vault's subscription ${networkSubscriptionId}` : "is the test network's subscription"}, but ${names.join(", ")} ` +
        `fail${names.length === 1 ? "s" : ""} over into subscription ${sub}, and a test VM's network interface can only join a virtual network in its own subscription; ` +
        `set testNetwork.subscriptionId to ${sub}${apart.size > 1 ? ", or drill the items of each recovery subscription separately" : ""}`,
    ),
  );
}
