// The quota family of each VM size the twin serves: what `Microsoft.Compute/skus` reports as `family` and
// what `Microsoft.Compute/locations/{location}/usages` counts vCPUs under (name.value), e.g.
// Standard_D2s_v3 → "standardDSv3Family" ("Standard DSv3 Family vCPUs"). Family names as in the
// Resource SKUs list (`az vm list-skus`) and the usage names shown by `az vm list-usage`
// (MicrosoftDocs/azure-docs includes/virtual-machines-common-quotas.md lists the localized names).
const FAMILIES: [RegExp, string, string][] = [
  [/^basic_a\d+$/i, "basicAFamily", "Basic A Family vCPUs"],
  [/^standard_a[0-7]$/i, "standardA0_A7Family", "Standard A0-A7 Family vCPUs"],
  [/^standard_a\d+m?_v2$/i, "standardAv2Family", "Standard Av2 Family vCPUs"],
  [/^standard_b\d+l?m?s$/i, "standardBSFamily", "Standard BS Family vCPUs"],
  [/^standard_ds\d+_v2$/i, "standardDSv2Family", "Standard DSv2 Family vCPUs"],
  [/^standard_d\d+_v3$/i, "standardDv3Family", "Standard Dv3 Family vCPUs"],
  [/^standard_d\d+s_v3$/i, "standardDSv3Family", "Standard DSv3 Family vCPUs"],
  [/^standard_d\d+s_v5$/i, "standardDSv5Family", "Standard DSv5 Family vCPUs"],
  [/^standard_e\d+s_v3$/i, "standardESv3Family", "Standard ESv3 Family vCPUs"],
  [/^standard_f\d+s_v2$/i, "standardFSv2Family", "Standard FSv2 Family vCPUs"],
];

/** The quota family of a size, or undefined for a size the twin does not know. */
export function vmFamilyOf(size: string): { family: string; localizedName: string } | undefined {
  const hit = FAMILIES.find(([re]) => re.test(size));
  return hit ? { family: hit[1], localizedName: hit[2] } : undefined;
}

export function knownFamilies(): { family: string; localizedName: string }[] {
  return FAMILIES.map(([, family, localizedName]) => ({ family, localizedName }));
}
