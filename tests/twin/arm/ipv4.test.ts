// The twin's own IPv4/CIDR rules (twin/arm/ipv4.ts), checked against the numbers, not against the
// product's components/ipv4.ts (the twin must not agree with the client by construction).
import { cidrContainsCidr, cidrsOverlap, formatIpv4, parseCidr, parseIpv4, staticIpProblem, usableAddresses } from "../../../twin/arm/ipv4";

test("dotted quads: four octets 0–255, no leading zeros", () => {
  expect(parseIpv4("10.10.1.4")).toBe(10 * 2 ** 24 + 10 * 2 ** 16 + 1 * 2 ** 8 + 4);
  expect(parseIpv4("255.255.255.255")).toBe(2 ** 32 - 1);
  for (const bad of ["10.10.1", "10.10.1.256", "10.010.1.4", "a.b.c.d", "10.10.1.4 ", ""])
    expect([bad, parseIpv4(bad)]).toEqual([bad, undefined]);
  expect(formatIpv4(parseIpv4("192.168.0.17") as number)).toBe("192.168.0.17");
});

test("CIDR blocks: host bits refused, containment and overlap", () => {
  expect(parseCidr("10.10.1.5/24")).toBeUndefined();
  expect(parseCidr("10.10.0.0/33")).toBeUndefined();
  const space = parseCidr("10.10.0.0/16")!;
  const a = parseCidr("10.10.1.0/24")!;
  const b = parseCidr("10.10.1.128/25")!;
  const c = parseCidr("10.11.0.0/24")!;
  expect([space.first, space.last].map(formatIpv4)).toEqual(["10.10.0.0", "10.10.255.255"]);
  expect(cidrContainsCidr(space, a)).toBe(true);
  expect(cidrContainsCidr(space, c)).toBe(false);
  expect(cidrsOverlap(a, b)).toBe(true);
  expect(cidrsOverlap(a, c)).toBe(false);
});

test("static IPs: the five reserved addresses and outside addresses get ARM's codes", () => {
  expect(staticIpProblem("10.10.3.0/24", "10.10.3.4")).toBeUndefined();
  for (const reserved of ["10.10.3.0", "10.10.3.1", "10.10.3.3", "10.10.3.255"])
    expect(staticIpProblem("10.10.3.0/24", reserved)?.code).toBe("PrivateIPAddressInReservedRange");
  expect(staticIpProblem("10.10.3.0/24", "10.10.4.4")?.code).toBe("PrivateIPAddressNotInSubnet");
  expect(staticIpProblem("10.10.3.0/24", "10.10.3")?.code).toBe("InvalidPrivateIPAddress");
});

test("usable addresses of a /29: three, from .4 to .6", () => {
  expect([...usableAddresses(parseCidr("10.0.0.8/29")!)].map(formatIpv4)).toEqual(["10.0.0.12", "10.0.0.13", "10.0.0.14"]);
});
