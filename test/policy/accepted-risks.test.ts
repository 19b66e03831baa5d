import { parseSettings, SettingsError } from "../../stacks/settings/load";
import { DEFAULT_ACCEPTED_RISKS, MINIMAL_SETTINGS, testSettings } from "../support";
import { checkApp } from "./support";

/*
 * settings.policy.acceptedRisks, in process; the app run as the CLI runs it, with and without the
 * committed accepted risks, is in accepted-risks.replay.test.ts.
 */

const OPEN_ENDPOINT = { eks: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } };

describe("policy.acceptedRisks", () => {
  test("GIVEN a public endpoint open to 0.0.0.0/0 and no accepted risk WHEN the policy runs THEN CKV_AWS_38 and CKV_AWS_39 are errors", () => {
    const settings = parseSettings({ ...MINIMAL_SETTINGS, policy: { acceptedRisks: {} }, clusters: [{ name: "test-cluster", ...OPEN_ENDPOINT }] });
    const errors = checkApp(settings).filter((n) => n.level === "error");
    expect(errors.map((n) => n.rule).sort()).toEqual(["CKV_AWS_38", "CKV_AWS_39"]);
    expect(errors.find((n) => n.rule === "CKV_AWS_38")?.message).toContain(
      'accept the risk knowingly with settings.policy.acceptedRisks {"CKV_AWS_38": "<why>"}',
    );
  });

  test("GIVEN only CKV_AWS_38 accepted WHEN the policy runs THEN CKV_AWS_38 is a warning naming the setting and its reason, CKV_AWS_39 still an error", () => {
    const settings = parseSettings({
      ...MINIMAL_SETTINGS,
      policy: { acceptedRisks: { CKV_AWS_38: DEFAULT_ACCEPTED_RISKS.CKV_AWS_38 } },
      clusters: [{ name: "test-cluster", ...OPEN_ENDPOINT }],
    });
    const notes = checkApp(settings);
    expect(notes.filter((n) => n.rule === "CKV_AWS_38").map((n) => [n.level, n.message])).toEqual([
      [
        "warning",
        `CKV_AWS_38 (EKS public endpoint not open to 0.0.0.0/0) on test-cluster-eks/eks/cluster: the public API endpoint accepts connections from 0.0.0.0/0; accepted by settings.policy.acceptedRisks.CKV_AWS_38: ${DEFAULT_ACCEPTED_RISKS.CKV_AWS_38}`,
      ],
    ]);
    expect(notes.filter((n) => n.rule === "CKV_AWS_39").map((n) => n.level)).toEqual(["error"]);
  });

  test("GIVEN flow logs turned off WHEN the policy runs THEN CKV2_AWS_11 fails until it is accepted", () => {
    const off = { name: "test-cluster", network: { flowLogs: { enabled: false } } };
    const refused = checkApp(testSettings(off)).filter((n) => n.level === "error");
    expect(refused.map((n) => `${n.rule} ${n.path}`)).toEqual(["CKV2_AWS_11 test-cluster-eks/network/vpc"]);
    const accepted = parseSettings({
      ...MINIMAL_SETTINGS,
      clusters: [off],
      policy: { acceptedRisks: { ...DEFAULT_ACCEPTED_RISKS, CKV2_AWS_11: "a throwaway trial cluster, deleted within the day" } },
    });
    expect(checkApp(accepted).filter((n) => n.level === "error")).toEqual([]);
  });

  test.each([
    [
      { CKV_AWS_999: "a reason long enough" },
      /^settings\.policy\.acceptedRisks\.CKV_AWS_999: unknown key is not allowed; allowed: the keys CKV_AWS_38, CKV_AWS_39, CKV2_AWS_11$/,
    ],
    // A rule that cannot be accepted is no key either.
    [
      { CKV_AWS_58: "a reason long enough" },
      /^settings\.policy\.acceptedRisks\.CKV_AWS_58: unknown key is not allowed; allowed: the keys CKV_AWS_38, CKV_AWS_39, CKV2_AWS_11$/,
    ],
    [{ CKV_AWS_38: "ok" }, /^settings\.policy\.acceptedRisks\.CKV_AWS_38: "ok" is not allowed; allowed: a reason, in words/],
  ])("GIVEN acceptedRisks %j WHEN the settings are validated THEN one line refuses it", (acceptedRisks, message) => {
    const parse = () => parseSettings({ ...MINIMAL_SETTINGS, policy: { acceptedRisks } });
    expect(parse).toThrow(SettingsError);
    try {
      parse();
    } catch (err) {
      const lines = (err as Error).message.split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
  });
});
