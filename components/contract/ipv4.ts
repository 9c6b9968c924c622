// Pure IPv4 and CIDR arithmetic shared by the config schema and the policy pack (part of the contract package).
// Azure reserves five addresses in every subnet: the network address, the next three (gateway and
// Azure DNS) and the broadcast address ("first four and last").

export interface Cidr {
  /** The CIDR as written, e.g. "10.10.1.0/24". */
  text: string;
  /** Network address as an unsigned 32-bit number. */
  network: number;
  prefixLength: number;
  /** Number of addresses in the block. */
  size: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad IPv4 address; undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
  if (typeof text !== "string") return undefined;
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export function isIpv4(text: string): boolean {
  return parseIpv4(text) !== undefined;
}

/**
 * Parses "a.b.c.d/n". The address must be the network address of the block (Azure rejects
 * "10.0.0.5/24" as an address prefix), so host bits must be zero.
 */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const ip = parseIpv4(m[1]);
  const prefixLength = Number(m[2]);
  if (ip === undefined || prefixLength > 32) return undefined;
  const size = 2 ** (32 - prefixLength);
  if (ip % size !== 0) return undefined;
  return { text, network: ip, prefixLength, size };
}

export function isCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}

export function cidrContainsIp(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.network && ip < cidr.network + cidr.size;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.network >= outer.network && inner.network + inner.size <= outer.network + outer.size;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network < b.network + b.size && b.network < a.network + a.size;
}

/** The five addresses Azure reserves in a subnet: network, .1, .2, .3 and broadcast. */
export function azureReservedAddresses(subnet: Cidr): number[] {
  if (subnet.size < 8) return [];
  const n = subnet.network;
  return [n, n + 1, n + 2, n + 3, n + subnet.size - 1];
}

export function isAzureReserved(subnet: Cidr, ip: number): boolean {
  return azureReservedAddresses(subnet).includes(ip);
}

/**
 * Why an address cannot be used as a static IP in a subnet, or undefined when it can.
 * The message is written to be embedded in an error that already names the config path.
 */
export function staticIpProblem(subnetPrefix: string, ipText: string): string | undefined {
  const subnet = parseCidr(subnetPrefix);
  if (!subnet) return `subnet prefix ${JSON.stringify(subnetPrefix)} is not an IPv4 CIDR`;
  const ip = parseIpv4(ipText);
  if (ip === undefined) return `${JSON.stringify(ipText)} is not an IPv4 address`;
  if (!cidrContainsIp(subnet, ip)) return `${ipText} is outside subnet ${subnetPrefix}`;
  if (isAzureReserved(subnet, ip)) {
    const usable = formatIpv4(subnet.network + 4);
    return `${ipText} is reserved by Azure in ${subnetPrefix} (the first four and the last address); the first usable address is ${usable}`;
  }
  return undefined;
}

/** Usable host addresses of a subnet in ascending order (Azure-reserved ones excluded). */
export function* usableAddresses(subnet: Cidr): Generator<number> {
  const reserved = new Set(azureReservedAddresses(subnet));
  for (let ip = subnet.network; ip < subnet.network + subnet.size; ip++) {
    if (!reserved.has(ip)) yield ip;
  }
}
