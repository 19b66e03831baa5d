import { teamCiRoleName } from "../../stacks/naming";
import { parseSettings, SettingsError } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS } from "../support";

/*
 * The settings checks behind the AWS side of teams: what AWS would refuse at apply time (a role
 * name over 64 characters, a repository name taken in the region, an OIDC issuer without https)
 * is refused at synth, one line per bad value.
 */

type ClusterInput = SettingsInput["clusters"][number];

/** 32 characters, the longest cluster name. */
const LONG_CLUSTER = "platform-production-eu-central-1";

function settingsWith(clusters: Partial<ClusterInput>[], gitlab: Partial<SettingsInput["gitlab"]> = {}): SettingsInput {
  return {
    ...MINIMAL_SETTINGS,
    gitlab: { ...MINIMAL_SETTINGS.gitlab, ...gitlab },
    clusters: clusters.map((c) => ({ ...MINIMAL_SETTINGS.clusters[0], ...c })),
  };
}

/** The lines of the SettingsError that parsing `raw` throws; fails the test when it parses. */
function errorLines(raw: SettingsInput): readonly string[] {
  try {
    parseSettings(raw);
  } catch (err) {
    if (err instanceof SettingsError) return err.lines;
    throw err;
  }
  throw new Error("expected a SettingsError, but the settings were accepted");
}

describe("GIVEN the longest cluster name (32 characters)", () => {
  test("THEN a team name of 23 characters with a repository is accepted: its CI role name is exactly 64 characters", () => {
    // WHEN parsed
    const team = "a".repeat(23);
    const settings = parseSettings(settingsWith([{ name: LONG_CLUSTER, teams: [{ name: team, gitlabProject: "g/p", ecrRepositories: ["r1"] }] }]));
    // THEN
    expect(teamCiRoleName(settings.clusters[0].name, settings.clusters[0].teams[0].name)).toHaveLength(64);
  });

  test("THEN a team name of 24 characters with a repository is refused with one line naming teams[i].name", () => {
    // WHEN parsed
    const lines = errorLines(
      settingsWith([
        {
          name: LONG_CLUSTER,
          teams: [
            { name: "short", gitlabProject: "g/short", ecrRepositories: ["r1"] },
            { name: "payments-platform-worker", gitlabProject: "g/p", ecrRepositories: ["r2"] },
          ],
        },
      ]),
    );
    // THEN
    expect(lines).toEqual([
      'settings.clusters[0].teams[1].name: "payments-platform-worker" is not allowed; allowed: at most 23 characters with this cluster name (the CI IAM role of a team with ECR repositories, "<cluster name>-team-<team name>-ci", is limited to 64)',
    ]);
  });

  test("THEN the same long team name without repositories is accepted: it gets no role", () => {
    expect(() => parseSettings(settingsWith([{ name: LONG_CLUSTER, teams: [{ name: "payments-platform-worker", gitlabProject: "g/p" }] }]))).not.toThrow();
  });
});

describe("GIVEN a team's ECR repository name", () => {
  test("THEN the name of an app's repository in the same region is refused", () => {
    // WHEN parsed: the app's default repository is nginx-repo
    const lines = errorLines(settingsWith([{ teams: [{ name: "payments", gitlabProject: "g/p", ecrRepositories: ["payments-api", "nginx-repo"] }] }]));
    // THEN
    expect(lines).toEqual([
      'settings.clusters[0].teams[0].ecrRepositories[1]: "nginx-repo" is not allowed; allowed: a repository name not used by clusters[0].apps[0] (ECR names are unique per region, us-west-2; the default is <app name>-repo)',
    ]);
  });

  test("THEN the name of another cluster's team repository in the same region is refused", () => {
    const lines = errorLines(
      settingsWith([
        { teams: [{ name: "payments", gitlabProject: "g/p", ecrRepositories: ["shared"] }] },
        {
          name: "second",
          apps: [{ ecr: { repositoryName: "second-repo" } }],
          teams: [{ name: "search", gitlabProject: "g/s", ecrRepositories: ["shared"] }],
        },
      ]),
    );
    expect(lines).toEqual([
      'settings.clusters[1].teams[0].ecrRepositories[0]: "shared" is not allowed; allowed: a repository name not used by clusters[0].teams[0] (ECR names are unique per region, us-west-2; the default is <app name>-repo)',
    ]);
  });

  test("THEN the same name in another region is accepted", () => {
    expect(() =>
      parseSettings(
        settingsWith([
          { teams: [{ name: "payments", gitlabProject: "g/p", ecrRepositories: ["shared"] }] },
          { name: "second", region: "eu-west-1", teams: [{ name: "payments", gitlabProject: "g/p2", ecrRepositories: ["shared"] }] },
        ]),
      ),
    ).not.toThrow();
  });
});

describe("GIVEN a GitLab instance on plain http", () => {
  test("THEN a team with ECR repositories is refused: IAM OIDC providers need an https issuer", () => {
    const lines = errorLines(
      settingsWith(
        [
          {
            teams: [
              { name: "docs", gitlabProject: "g/d" },
              { name: "payments", gitlabProject: "g/p", ecrRepositories: ["r1"] },
            ],
          },
        ],
        { baseUrl: "http://gitlab.internal" },
      ),
    );
    expect(lines).toEqual([
      'settings.gitlab.baseUrl: "http://gitlab.internal" is not allowed; allowed: an https URL: teams with ECR repositories (such as clusters[0].teams[1]) push through an AWS IAM OIDC provider, which needs an https issuer',
    ]);
  });

  test("THEN teams without repositories are accepted", () => {
    expect(() => parseSettings(settingsWith([{ teams: [{ name: "docs", gitlabProject: "g/d" }] }], { baseUrl: "http://gitlab.internal" }))).not.toThrow();
  });
});

describe("GIVEN a team whose own name is invalid", () => {
  test.each([
    ["upper case", "Team", "team name: lowercase letters, digits and '-', starting with a letter, at most 30 characters"],
    ["too long (31 characters)", "t".repeat(31), "team name: lowercase letters, digits and '-', starting with a letter, at most 30 characters"],
  ])("WHEN it is %s THEN one line names it (the cluster's checks do not crash on the untransformed team)", (_, name, allowed) => {
    expect(errorLines(settingsWith([{ teams: [{ name, gitlabProject: "g/p" }] }]))).toEqual([
      `settings.clusters[0].teams[0].name: ${JSON.stringify(name)} is not allowed; allowed: ${allowed}`,
    ]);
  });
});
