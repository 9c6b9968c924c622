// `failover-drill:kekCertificatePfx`: a base-64 PFX, stored as a secret, never echoed in a config error.
import { drillConfigProblems, parseDrillConfig } from "../../components/config";
import { validRawConfig } from "./fixtures";

const KEK = Buffer.from("a PFX file's bytes").toString("base64");

it("accepts a base-64 certificate stored as a secret, and the config without one", () => {
  expect(parseDrillConfig({ ...validRawConfig(), kekCertificatePfx: KEK }, { isSecret: () => true }).kekCertificatePfx).toBe(KEK);
  expect(parseDrillConfig(validRawConfig(), { isSecret: () => false }).kekCertificatePfx).toBeUndefined();
});

it("refuses a certificate that is not base 64 without showing the value", () => {
  const value = "-----BEGIN CERTIFICATE----- secret-material";
  const problems = drillConfigProblems({ ...validRawConfig(), kekCertificatePfx: value });
  expect(problems).toEqual([
    expect.stringMatching(/^failover-drill:kekCertificatePfx: \[secret\] is not base 64; give the KEK certificate's PFX file in base 64/),
  ]);
  expect(problems.join("\n")).not.toContain("secret-material");
  expect(drillConfigProblems({ ...validRawConfig(), kekCertificatePfx: "" })).toEqual([
    expect.stringMatching(/^failover-drill:kekCertificatePfx: \[secret\] is empty/),
  ]);
  expect(drillConfigProblems({ ...validRawConfig(), kekCertificatePfx: 42 })).toEqual([
    "failover-drill:kekCertificatePfx: [secret] is not a string",
  ]);
});

it("refuses a certificate stored in plain text, naming the key and the command that stores it as a secret", () => {
  const problems = drillConfigProblems({ ...validRawConfig(), kekCertificatePfx: KEK }, { isSecret: (k) => k !== "kekCertificatePfx" });
  expect(problems).toEqual([
    expect.stringContaining(
      "failover-drill:kekCertificatePfx: [secret] is stored in plain text; store it as a secret: pulumi config set --secret failover-drill:kekCertificatePfx",
    ),
  ]);
  expect(problems.join("\n")).not.toContain(KEK);
});
