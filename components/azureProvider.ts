// One explicit azure-native provider, pinned to the vault's subscription, for every azure-native
// resource and invoke of the drill. Without it they use the login's default subscription: item reads
// 404 and the test VNet lands in another subscription whenever that default differs from the vault's.
import type * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/azure-native/provider";

export function subscriptionProvider(name: string, subscriptionId: string, opts?: pulumi.CustomResourceOptions): Provider {
  return new Provider(name, { subscriptionId }, opts);
}
