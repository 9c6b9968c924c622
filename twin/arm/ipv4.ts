// The twin's own IPv4/CIDR arithmetic, for ARM's network rules. Deliberately independent of the
// product's components/ipv4.ts: the twin plays Azure, and a bug shared with the client it checks
// would agree with itself (issue 17). Azure keeps five addresses of every subnet: the network
// address, the next three (default gateway and Azure DNS) and the last one (broadcast).

export interface Block {
  /** As written, e.g. "10.10.1.0/24". */
  text: string;
  /** First address as an unsigned 32-bit number. */
  first: number;
  /** Last address (inclusive). */
  last: number;
  prefixLength: number;
}

/** A dotted quad with four decimal octets 0–255 and no leading zeros; undefined otherwise. */
export function parseIpv4(text: string): number | undefined {
  if (typeof text !== "string") return undefined;
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export const isIpv4 = (text: string): boolean => parseIpv4(text) !== undefined;

/** `a.b.c.d/n` whose address is the block's first address (ARM refuses host bits); undefined otherwise. */
export function parseCidr(text: string): Block | undefined {
  if (typeof text !== "string") return undefined;
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const first = parseIpv4(m[1]);
  const prefixLength = Number(m[2]);
  if (first === undefined || prefixLength > 32) return undefined;
  const size = 2 ** (32 - prefixLength);
  if (first % size !== 0) return undefined;
  return { text, first, last: first + size - 1, prefixLength };
}

export const blockContains = (outer: Block, ip: number): boolean => ip >= outer.first && ip <= outer.last;

export const cidrContainsCidr = (outer: Block, inner: Block): boolean => inner.first >= outer.first && inner.last <= outer.last;

export const cidrsOverlap = (a: Block, b: Block): boolean => a.first <= b.last && b.first <= a.last;

/** The five addresses Azure reserves in a subnet. */
export function reservedAddresses(subnet: Block): number[] {
  return [subnet.first, subnet.first + 1, subnet.first + 2, subnet.first + 3, subnet.last];
}

export type StaticIpProblem = {
  code: "InvalidPrivateIPAddress" | "PrivateIPAddressNotInSubnet" | "PrivateIPAddressInReservedRange";
  detail: string;
};

/** Why ARM refuses `ipText` as a static private IP in the subnet, with the error code it answers; undefined when usable. */
export function staticIpProblem(subnetPrefix: string, ipText: string): StaticIpProblem | undefined {
  const subnet = parseCidr(subnetPrefix);
  const ip = parseIpv4(ipText);
  if (!subnet || ip === undefined) return { code: "InvalidPrivateIPAddress", detail: `${ipText} is not an IPv4 address in an IPv4 subnet` };
  if (!blockContains(subnet, ip)) return { code: "PrivateIPAddressNotInSubnet", detail: `${ipText} is outside subnet ${subnetPrefix}` };
  if (reservedAddresses(subnet).includes(ip)) {
    return {
      code: "PrivateIPAddressInReservedRange",
      detail: `${ipText} is reserved by Azure in ${subnetPrefix} (the first four and the last address)`,
    };
  }
  return undefined;
}

/** Addresses a NIC may get in the subnet, lowest first (the reserved five skipped). */
export function* usableAddresses(subnet: Block): Generator<number> {
  for (let ip = subnet.first + 4; ip < subnet.last; ip++) yield ip;
}
