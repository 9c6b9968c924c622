import { containerUrl, drillTags, nsgName, storageAccountName } from "../../components/naming";
import { expectedNicCount, knownSizes, maxNicsForSize } from "../../components/vmSizes";

describe("naming", () => {
  it("tags every drill resource with id, owner and expiry", () => {
    expect(drillTags({ id: "d1", owner: "o", expiry: "2030-01-01" })).toEqual({
      "drill-id": "d1",
      "drill-owner": "o",
      "drill-expiry": "2030-01-01",
    });
  });

  it("names an NSG after its VNet and subnet, within 80 characters", () => {
    expect(nsgName("contoso-drill-vnet", "snet-app")).toBe("contoso-drill-vnet-snet-app-nsg");
    const long = nsgName("v".repeat(60), "s".repeat(30));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[a-z0-9]/);
  });

  it("builds a 3-24 character storage account name or says why not", () => {
    expect(storageAccountName("contosodrill", "ab12cd34")).toBe("contosodrillab12cd34");
    expect(() => storageAccountName("contosodrillevidence", "ab12cd34")).toThrow(/is not 3-24 lowercase letters and digits/);
  });

  it("joins a blob endpoint and a container", () => {
    expect(containerUrl("https://a.blob.core.windows.net/", "evidence")).toBe("https://a.blob.core.windows.net/evidence");
    expect(containerUrl("http://127.0.0.1:10000/a", "evidence")).toBe("http://127.0.0.1:10000/a/evidence");
  });
});

describe("vmSizes", () => {
  it("knows the max NICs of common sizes, case-insensitively", () => {
    expect(maxNicsForSize("Standard_D2s_v3")).toBe(2);
    expect(maxNicsForSize("standard_d8s_v3")).toBe(4);
    expect(maxNicsForSize("Standard_B2s")).toBe(3);
    expect(maxNicsForSize("Standard_Unknown")).toBeUndefined();
    expect(maxNicsForSize(undefined)).toBeUndefined();
    expect(knownSizes().length).toBeGreaterThan(50);
  });

  it("gives the target NIC count as min(source NICs, size max)", () => {
    expect(expectedNicCount(3, 2)).toBe(2);
    expect(expectedNicCount(1, 8)).toBe(1);
    expect(expectedNicCount(3, undefined)).toBe(3);
  });
});
