// Who ran the drill: the ARM token's claims when it is a JWT, else the CI actor, else the local user.
import { jwtClaims, ranByOf } from "../../../scripts/report/drillIdentity";

const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

describe("ranByOf", () => {
  it("reads a user's upn, object id and tenant from an Entra ID access token", () => {
    expect(ranByOf(jwt({ upn: "alice@contoso.example", oid: "o-1", tid: "t-1" }), {})).toEqual({
      name: "alice@contoso.example",
      source: "token",
      objectId: "o-1",
      tenantId: "t-1",
      appId: undefined,
    });
  });

  it("names a workload identity (OIDC from CI, managed identity) by its app id", () => {
    expect(ranByOf(jwt({ appid: "app-1", oid: "o-2", tid: "t-1" }), { GITHUB_ACTIONS: "true", GITHUB_ACTOR: "bob" })).toMatchObject({
      name: "app-1",
      source: "token",
      appId: "app-1",
    });
  });

  it("falls back to the CI actor with the run URL, then to the local user, for a token that is not a JWT (the twin's)", () => {
    const ci = {
      GITHUB_ACTIONS: "true",
      GITHUB_ACTOR: "bob",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "contoso/dr",
      GITHUB_RUN_ID: "42",
    };
    expect(ranByOf("failover-drill-twin", ci)).toEqual({
      name: "github:bob",
      source: "ci",
      ciRunUrl: "https://github.com/contoso/dr/actions/runs/42",
    });
    expect(ranByOf(undefined, {})).toMatchObject({ source: "local", name: expect.stringContaining("@") });
    expect(jwtClaims("a.b")).toBeUndefined();
    expect(jwtClaims("a.!!!.c")).toBeUndefined();
  });
});
