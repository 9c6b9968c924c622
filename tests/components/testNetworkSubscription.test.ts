// The test network must be in the subscription the items' test VMs are created in (their recovery
// resource group's): a NIC can only join a VNet of its own subscription.
import { testNetworkSubscriptionProblems } from "../../components/testNetworkSubscription";

const A = "11111111-1111-1111-1111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";
const rg = (sub: string) => `/subscriptions/${sub}/resourceGroups/contoso-recovery`;

it("passes when every item fails over into the test network's subscription (ids compare case-insensitively), or names no recovery resource group", () => {
  expect(
    testNetworkSubscriptionProblems(A, undefined, [
      { friendlyName: "WEB01", recoveryResourceGroupId: rg(A).toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/") },
      { friendlyName: "X" },
    ]),
  ).toEqual([]);
  expect(testNetworkSubscriptionProblems(B, B, [{ friendlyName: "WEB01", recoveryResourceGroupId: rg(B) }])).toEqual([]);
});

it("without testNetwork.subscriptionId: the vault's subscription is named and the item's is the fix", () => {
  expect(testNetworkSubscriptionProblems(A, undefined, [{ friendlyName: "WEB01", recoveryResourceGroupId: rg(B) }])).toEqual([
    `failover-drill:testNetwork.subscriptionId: missing, leaves the test network in the vault's subscription ${A}, but WEB01 (recovery resource group ${rg(B)}) fails over into subscription ${B}, ` +
      `and a test VM's network interface can only join a virtual network in its own subscription; set testNetwork.subscriptionId to ${B}`,
  ]);
});

it("items of two recovery subscriptions: one problem per subscription, and the advice to drill them apart", () => {
  const problems = testNetworkSubscriptionProblems(B, B, [
    { friendlyName: "APP01", recoveryResourceGroupId: rg(A) },
    { friendlyName: "SQL01", recoveryResourceGroupId: rg(A) },
    { friendlyName: "WEB01", recoveryResourceGroupId: rg("33333333-3333-4333-8333-333333333333") },
  ]);
  expect(problems).toHaveLength(2);
  expect(problems[0]).toMatch(
    /^failover-drill:testNetwork\.subscriptionId: "2222.*" is the test network's subscription, but APP01 .*, SQL01 .* fail over into subscription 1111.*, or drill the items of each recovery subscription separately$/,
  );
});
