// The vault-wide protected-item list pages the way the service's does: `value` plus a `nextLink` that
// carries `skipToken` and keeps the api-version (azure-sdk-for-net SessionRecords/ASRTests/
// ListAllProtectedItem.json), each item exactly once across the pages, with the same body a GET returns.
import { startTwin, type TwinHandle } from "../../../twin/index";
import { generateEstate } from "../../../twin/fixtures/generate";
import { ASR_API, client } from "../helpers";

let twin: TwinHandle;
const fixture = { ...generateEstate({ items: 120, plans: 2 }), pageSize: 50 };
const VAULT = `/subscriptions/${fixture.subscriptionId}/resourceGroups/synthetic-dr/providers/Microsoft.RecoveryServices/vaults/synthetic-asr-vault`;

beforeAll(async () => {
  twin = await startTwin({ fixture, speed: 2000, quiet: true, port: 0 });
});
afterAll(async () => twin?.stop());

it("120 items come in three pages; each nextLink carries skipToken and the api-version; every item once", async () => {
  const arm = client(twin);
  let res = await arm("GET", `${VAULT}/replicationProtectedItems`);
  const seen: string[] = [];
  const links: string[] = [];
  for (;;) {
    expect(res.status).toBe(200);
    seen.push(...res.body.value.map((i: { properties: { friendlyName: string } }) => i.properties.friendlyName));
    if (!res.body.nextLink) break;
    links.push(res.body.nextLink);
    res = await arm("GET", res.body.nextLink);
  }
  expect(links).toHaveLength(2);
  for (const link of links) {
    const q = new URL(link).searchParams;
    expect(q.get("api-version")).toBe(ASR_API);
    expect(q.get("skipToken")).toMatch(/\S/);
    expect(q.has("$skiptoken")).toBe(false);
  }
  expect(seen).toHaveLength(120);
  expect(new Set(seen).size).toBe(120);
});

it("a listed item is the body its own GET returns (the program reads items from the list)", async () => {
  const arm = client(twin);
  const listed = (await arm("GET", `${VAULT}/replicationProtectedItems`)).body.value[3];
  const single = (await arm("GET", listed.id)).body;
  expect(listed).toEqual(single);
  expect(listed.properties.providerSpecificDetails).toMatchObject({
    instanceType: "HyperVReplicaAzure",
    recoveryAzureStorageAccount: expect.stringContaining("syntheticrepl01"),
  });
});
