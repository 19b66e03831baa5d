import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS } from "../support";
import { settingsErrorLines as problems, refusalLine as line } from "./settings-errors";

/*
 * The workload settings of a cluster, value by value: apps, teams, Flux, and the cluster's own rules
 * across them (names and namespaces). Each refused value is pinned to its exact line, each boundary
 * to both sides, so a changed pattern, bound or message is noticed.
 */

type ClusterInput = SettingsInput["clusters"][number];
type AppInput = NonNullable<ClusterInput["apps"]>[number];
type TeamInput = NonNullable<ClusterInput["teams"]>[number];
type FluxInput = NonNullable<ClusterInput["flux"]>;

/** MINIMAL_SETTINGS with the one cluster's fields overridden. */
const withCluster = (cluster: Partial<ClusterInput>): SettingsInput => ({
  ...MINIMAL_SETTINGS,
  clusters: [{ ...MINIMAL_SETTINGS.clusters[0], ...cluster }],
});
const withApp = (app: AppInput): SettingsInput => withCluster({ apps: [app] });
/** One team, "team-a" on "teams/a" unless overridden. */
const withTeam = (team: Partial<TeamInput>): SettingsInput => withCluster({ teams: [{ name: "team-a", gitlabProject: "teams/a", ...team }] });
const withFlux = (flux: FluxInput): SettingsInput => withCluster({ flux });

describe("apps", () => {
  const app = (field: string) => `clusters[0].apps[0].${field}`;

  test.each<[string, AppInput, string]>([
    [
      "a name with a space",
      { name: "My App" },
      line(app("name"), "My App", "app name: lowercase letters, digits and '-', starting with a letter, at most 40 characters"),
    ],
    [
      "a namespace with capitals",
      { namespace: "Apps" },
      line(app("namespace"), "Apps", "namespace: lowercase letters, digits and '-', starting with a letter, at most 63 characters"),
    ],
    [
      "a system namespace",
      { namespace: "kube-system" },
      line(app("namespace"), "kube-system", "a namespace of its own, not default, flux-system, kube-system, kube-public, kube-node-lease"),
    ],
    [
      "a semver range Flux refuses",
      { semverRange: "...." },
      line(app("semverRange"), "....", "a semver range Flux accepts (Masterminds/semver), such as 0.0.x, ^1.2.0 or >=1.0.0 <2.0.0"),
    ],
    ["initialTag latest", { initialTag: "latest" }, line(app("initialTag"), "latest", "a semver tag such as 0.0.1")],
    ["initialTag with text before the version", { initialTag: "x1.2.3" }, line(app("initialTag"), "x1.2.3", "a semver tag such as 0.0.1")],
    ["initialTag with a bad character after the version", { initialTag: "1.2.3!" }, line(app("initialTag"), "1.2.3!", "a semver tag such as 0.0.1")],
    ["a privileged containerPort", { containerPort: 1023 }, line(app("containerPort"), 1023, "an unprivileged port 1024-65535")],
    ["a containerPort above 65535", { containerPort: 65536 }, line(app("containerPort"), 65536, "an unprivileged port 1024-65535")],
    ["0 replicas", { replicas: 0 }, line(app("replicas"), 0, "an integer from 1 to 100")],
    ["101 replicas", { replicas: 101 }, line(app("replicas"), 101, "an integer from 1 to 100")],
  ])("GIVEN an app with %s WHEN parsed THEN exactly that value is refused, saying what is allowed", (_name, given, expected) => {
    expect(problems(withApp(given))).toEqual([expected]);
  });

  test.each<[string, AppInput]>([
    ["initialTag with multi-digit parts", { initialTag: "10.20.30" }],
    ["initialTag with a v and a pre-release", { initialTag: "v1.2.3-rc1" }],
    ["initialTag with build metadata", { initialTag: "1.2.3+build.5" }],
    ["the lowest unprivileged port", { containerPort: 1024 }],
    ["the highest port", { containerPort: 65535 }],
    ["1 replica", { replicas: 1 }],
    ["100 replicas", { replicas: 100 }],
  ])("GIVEN an app with %s WHEN parsed THEN it is accepted", (_name, given) => {
    expect(problems(withApp(given))).toEqual([]);
  });
});

describe("teams", () => {
  const team = (field: string) => `clusters[0].teams[0].${field}`;

  test.each<[string, Partial<TeamInput>, string]>([
    [
      "a project with a space after its path",
      { gitlabProject: "teams/a b" },
      line(team("gitlabProject"), "teams/a b", "a project path with its namespace, such as my-group/my-project or group/subgroup/project"),
    ],
    ["an absolute path", { path: "/etc" }, line(team("path"), "/etc", "a path in the team's repository starting with '.', such as . or ./deploy/production")],
    [
      "a path with text before the '.'",
      { path: "x./deploy" },
      line(team("path"), "x./deploy", "a path in the team's repository starting with '.', such as . or ./deploy/production"),
    ],
    [
      "a path with a space",
      { path: "./deploy prod" },
      line(team("path"), "./deploy prod", "a path in the team's repository starting with '.', such as . or ./deploy/production"),
    ],
    ["no namespace", { namespaces: [] }, line(team("namespaces"), [], "at least one namespace")],
    [
      "a namespace with an underscore",
      { namespaces: ["team_a"] },
      line(`${team("namespaces")}[0]`, "team_a", "namespace: lowercase letters, digits and '-', starting with a letter, at most 63 characters"),
    ],
    [
      "a CI branch with a space",
      { ciBranches: ["release candidate"] },
      line(`${team("ciBranches")}[0]`, "release candidate", "a branch name, or * for any ref"),
    ],
    ["no CI branch", { ciBranches: [] }, line(team("ciBranches"), [], "at least one branch")],
  ])("GIVEN a team with %s WHEN parsed THEN exactly that value is refused, saying what is allowed", (_name, given, expected) => {
    expect(problems(withTeam(given))).toEqual([expected]);
  });

  test.each<[string, Partial<TeamInput>]>([
    ["the path '.'", { path: "." }],
    ["a path one folder deep", { path: "./deploy" }],
    ["a path two folders deep", { path: "./deploy/production" }],
    ["two namespaces", { namespaces: ["team-a-dev", "team-a-prod"] }],
    ["CI branches by name, by path and any", { ciBranches: ["main", "release/1.2", "*"] }],
  ])("GIVEN a team with %s WHEN parsed THEN it is accepted", (_name, given) => {
    expect(problems(withTeam(given))).toEqual([]);
  });

  test("GIVEN a team without namespaces WHEN parsed THEN its own name is its namespace", () => {
    expect(parseSettings(withTeam({})).clusters[0].teams[0].namespaces).toEqual(["team-a"]);
  });
});

describe("flux", () => {
  const flux = (field: string) => `clusters[0].flux.${field}`;

  test.each<[string, FluxInput, string]>([
    ["deployKeyVersion 0", { deployKeyVersion: 0 }, line(flux("deployKeyVersion"), 0, "an integer >= 1")],
    [
      "a token of 29 days",
      { commitStatusTokenDays: 29, commitStatusTokenRotateDays: 10 },
      line(flux("commitStatusTokenDays"), 29, "an integer from 30 to 365"),
    ],
    [
      "a token of 366 days",
      { commitStatusTokenDays: 366 },
      line(flux("commitStatusTokenDays"), 366, "an integer from 30 to 365 (GitLab's longest token lifetime)"),
    ],
    ["rotation 0 days before expiry", { commitStatusTokenRotateDays: 0 }, line(flux("commitStatusTokenRotateDays"), 0, "an integer >= 1")],
    [
      "rotation as many days as the token lives",
      { commitStatusTokenDays: 60, commitStatusTokenRotateDays: 60 },
      line(flux("commitStatusTokenRotateDays"), 60, "less than commitStatusTokenDays (60)"),
    ],
  ])("GIVEN flux with %s WHEN parsed THEN exactly that value is refused, saying what is allowed", (_name, given, expected) => {
    expect(problems(withFlux(given))).toEqual([expected]);
  });

  test.each<[string, FluxInput]>([
    ["the shortest token, rotated a day before", { commitStatusTokenDays: 30, commitStatusTokenRotateDays: 29 }],
    ["the longest token, written out", { commitStatusTokenDays: 365 }],
    ["rotation 2 days before expiry", { commitStatusTokenRotateDays: 2 }],
    ["rotation one day less than the token lives", { commitStatusTokenDays: 60, commitStatusTokenRotateDays: 59 }],
  ])("GIVEN flux with %s WHEN parsed THEN it is accepted", (_name, given) => {
    expect(problems(withFlux(given))).toEqual([]);
  });
});

describe("the cluster's rules across its apps and teams", () => {
  test("GIVEN a region that is not a string WHEN parsed THEN it is refused as a region", () => {
    expect(problems(withCluster({ region: 42 as unknown as string }))).toEqual([line("clusters[0].region", 42, "an AWS region such as us-west-2")]);
  });

  test("GIVEN a team namespace that is an app's namespace WHEN parsed THEN the team's namespace is refused, naming the app", () => {
    expect(problems(withTeam({ namespaces: ["apps"] }))).toEqual([
      line("clusters[0].teams[0].namespaces[0]", "apps", "a namespace of its own, not the namespace of apps[0] (nginx)"),
    ]);
  });

  test("GIVEN two apps sharing a namespace and a team claiming it WHEN parsed THEN the first app is named as its owner", () => {
    const apps = [
      { name: "web", namespace: "shop" },
      { name: "api", namespace: "shop" },
    ];
    expect(problems(withCluster({ apps, teams: [{ name: "team-a", gitlabProject: "teams/a", namespaces: ["shop"] }] }))).toEqual([
      line("clusters[0].teams[0].namespaces[0]", "shop", "a namespace of its own, not the namespace of apps[0] (web)"),
    ]);
  });

  test("GIVEN two teams claiming one namespace WHEN parsed THEN the second is refused, naming the first team", () => {
    const teams = [
      { name: "team-a", gitlabProject: "teams/a", namespaces: ["shared"] },
      { name: "team-b", gitlabProject: "teams/b", namespaces: ["shared"] },
    ];
    expect(problems(withCluster({ teams }))).toEqual([
      line("clusters[0].teams[1].namespaces[0]", "shared", "a namespace of its own, not a namespace of teams[0] (team-a)"),
    ]);
  });

  test("GIVEN a team named like an app namespace with a bad value elsewhere WHEN parsed THEN its default namespace is still checked", () => {
    expect(problems(withTeam({ name: "apps", branch: "x..y" }))).toEqual([
      line(
        "clusters[0].teams[0].branch",
        "x..y",
        "a Git branch name such as main or release/1.2 (no '..', '//', leading or trailing '/' or '.', no '.lock' end)",
      ),
      line("clusters[0].teams[0].namespaces[0]", "apps", "a namespace of its own, not the namespace of apps[0] (nginx)"),
    ]);
  });

  test("GIVEN two teams of the same name WHEN parsed THEN the second name is refused, naming the first", () => {
    const teams = [
      { name: "team-a", gitlabProject: "teams/a", namespaces: ["ns-a"] },
      { name: "team-a", gitlabProject: "teams/b", namespaces: ["ns-b"] },
    ];
    expect(problems(withCluster({ teams }))).toEqual([line("clusters[0].teams[1].name", "team-a", 'a name no other team uses (teams[0] is "team-a")')]);
  });

  test.each([
    ["the same path", "teams/a"],
    ["the same path in other letter case", "Teams/A"],
  ])("GIVEN two teams on %s WHEN parsed THEN the second project is refused, naming the first team", (_name, second) => {
    const teams = [
      { name: "team-a", gitlabProject: "teams/a" },
      { name: "team-b", gitlabProject: second },
    ];
    expect(problems(withCluster({ teams }))).toEqual([line("clusters[0].teams[1].gitlabProject", second, "a project no other team uses (teams[0] has it)")]);
  });
});
