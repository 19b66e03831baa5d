import { cidrContains, cidrsOverlap, parseCidr } from "../../stacks/settings/cidr";

/* The CIDR arithmetic the network settings are checked with, at its boundaries. */

const block = (cidr: string) => {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`test CIDR ${cidr} does not parse`);
  return parsed;
};

describe("parseCidr", () => {
  test("GIVEN well-formed blocks THEN the network address and prefix, every octet and the prefix read in full", () => {
    expect(parseCidr("10.0.0.0/16")).toEqual({ network: 10 * 2 ** 24, prefix: 16 });
    expect(parseCidr("10.20.0.0/16")).toEqual({ network: 10 * 2 ** 24 + 20 * 2 ** 16, prefix: 16 });
    expect(parseCidr("192.168.100.128/25")).toEqual({ network: ((192 * 256 + 168) * 256 + 100) * 256 + 128, prefix: 25 });
    expect(parseCidr("10.0.0.255/32")).toEqual({ network: 10 * 2 ** 24 + 255, prefix: 32 });
    expect(parseCidr("0.0.0.0/0")).toEqual({ network: 0, prefix: 0 });
    expect(parseCidr("255.255.255.255/32")).toEqual({ network: 2 ** 32 - 1, prefix: 32 });
  });

  test("GIVEN text around a block, an octet over 255, a prefix over 32 or host bits set THEN undefined", () => {
    for (const bad of [
      "x10.0.0.0/16",
      "10.0.0.0/16x",
      " 10.0.0.0/16",
      "10.0.0.0/16 ",
      "256.0.0.0/8",
      "10.256.0.0/16",
      "10.0.256.0/24",
      "10.0.0.256/32",
      "10.0.0.0/33",
      "10.0.0.1/24",
      "10.0.0/24",
      "10.0.0.0",
    ]) {
      expect([bad, parseCidr(bad)]).toEqual([bad, undefined]);
    }
  });
});

describe("cidrContains", () => {
  test("GIVEN blocks sharing a first or a last address THEN the boundaries count as inside", () => {
    expect(cidrContains(block("10.0.0.0/16"), block("10.0.0.0/24"))).toBe(true);
    expect(cidrContains(block("10.0.0.0/16"), block("10.0.255.0/24"))).toBe(true);
    expect(cidrContains(block("10.0.0.0/16"), block("10.0.0.0/16"))).toBe(true);
  });

  test("GIVEN a block starting before, ending after, or larger THEN not inside", () => {
    expect(cidrContains(block("10.0.1.0/24"), block("10.0.0.0/24"))).toBe(false);
    expect(cidrContains(block("10.0.0.0/24"), block("10.0.1.0/24"))).toBe(false);
    expect(cidrContains(block("10.0.0.0/24"), block("10.0.0.0/23"))).toBe(false);
  });
});

describe("cidrsOverlap", () => {
  test("GIVEN blocks that share exactly one address, at either end THEN they overlap", () => {
    expect(cidrsOverlap(block("10.0.0.255/32"), block("10.0.0.0/24"))).toBe(true);
    expect(cidrsOverlap(block("10.0.0.0/24"), block("10.0.0.255/32"))).toBe(true);
    expect(cidrsOverlap(block("10.0.0.0/32"), block("10.0.0.0/24"))).toBe(true);
  });

  test("GIVEN adjacent blocks THEN they do not overlap, in either order", () => {
    expect(cidrsOverlap(block("10.0.0.0/24"), block("10.0.1.0/24"))).toBe(false);
    expect(cidrsOverlap(block("10.0.1.0/24"), block("10.0.0.0/24"))).toBe(false);
  });
});
