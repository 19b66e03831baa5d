import { parseSettings } from "../../stacks/settings/load";
import type { SettingsInput } from "../../stacks/settings/schema";
import { MINIMAL_SETTINGS } from "../support";
import { settingsErrorLines as problems, refusalLine as line } from "./settings-errors";

/*
 * The project-wide settings, value by value: the GitLab project, the Terraform state, the policy, and
 * the rules across clusters (instance URL, account-wide IAM names). Each refused value is pinned to its
 * exact line, each boundary to both sides, so a changed pattern, bound or message is noticed.
 */

type ClusterInput = SettingsInput["clusters"][number];
type GitLabInput = SettingsInput["gitlab"];
type StateInput = NonNullable<SettingsInput["state"]>;

const withGitlab = (gitlab: Partial<GitLabInput>): SettingsInput => ({ ...MINIMAL_SETTINGS, gitlab: { ...MINIMAL_SETTINGS.gitlab, ...gitlab } });
const withState = (state: StateInput): SettingsInput => ({ ...MINIMAL_SETTINGS, state });
const withS3 = (s3: NonNullable<StateInput["s3"]>): SettingsInput => withState({ s3 });
const withStateProject = (project: unknown): SettingsInput => withState({ gitlab: { project: project as string } });
const withRisks = (acceptedRisks: Record<string, unknown>): SettingsInput => ({
  ...MINIMAL_SETTINGS,
  policy: { acceptedRisks: { ...MINIMAL_SETTINGS.policy?.acceptedRisks, ...acceptedRisks } },
});
const withClusters = (gitlab: Partial<GitLabInput>, clusters: ClusterInput[]): SettingsInput => ({ ...withGitlab(gitlab), clusters });

const PROJECT_PATH = "a project path with its namespace, such as my-group/my-project or group/subgroup/project";
const PROJECT_REF = "a project ID such as 12345678, or a path with its namespace such as my-group/infrastructure";
const KMS_KEY = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("gitlab", () => {
  test.each<[string, Partial<GitLabInput>, string]>([
    ["an empty commit author name", { commitAuthor: { name: "" } }, line("gitlab.commitAuthor.name", "", "a non-empty name")],
    [
      "a baseUrl whose scheme only ends in https",
      { baseUrl: "git+https://gitlab.example.com" },
      line("gitlab.baseUrl", "git+https://gitlab.example.com", "an http(s) URL such as https://gitlab.com"),
    ],
    [
      "a baseUrl whose scheme only starts with https",
      { baseUrl: "httpsx://gitlab.example.com" },
      line("gitlab.baseUrl", "httpsx://gitlab.example.com", "an http(s) URL such as https://gitlab.com"),
    ],
    ["a project without a group", { project: "no-group" }, line("gitlab.project", "no-group", PROJECT_PATH)],
    ["a project with text after its path", { project: "group/project x" }, line("gitlab.project", "group/project x", PROJECT_PATH)],
    [
      "an sshHost with a user",
      { sshHost: "git@gitlab.example.com" },
      line("gitlab.sshHost", "git@gitlab.example.com", "a host name, optionally with :port, such as gitlab.example.com:2222"),
    ],
    [
      "a commit e-mail without @",
      { commitAuthor: { email: "flux-at-example.com" } },
      line("gitlab.commitAuthor.email", "flux-at-example.com", "an e-mail address such as flux@example.com"),
    ],
    ["an unknown OIDC provider choice", { awsOidcProvider: "import" as "create" }, line("gitlab.awsOidcProvider", "import", "create or existing")],
  ])("GIVEN gitlab with %s WHEN parsed THEN exactly that value is refused, saying what is allowed", (_name, given, expected) => {
    expect(problems(withGitlab(given))).toEqual([expected]);
  });

  test.each<[string, Partial<GitLabInput>]>([
    ["an sshHost without a port", { sshHost: "gitlab.example.com" }],
    ["an sshHost with a port", { sshHost: "gitlab.example.com:2222" }],
    ["a project in a subgroup", { project: "group/sub/project" }],
  ])("GIVEN gitlab with %s WHEN parsed THEN it is accepted", (_name, given) => {
    expect(problems(withGitlab(given))).toEqual([]);
  });

  test("GIVEN a baseUrl ending in several slashes WHEN parsed THEN all of them are dropped", () => {
    expect(parseSettings(withGitlab({ baseUrl: "https://gitlab.example.com//" })).gitlab.baseUrl).toBe("https://gitlab.example.com");
  });
});

describe("state", () => {
  test("GIVEN an unknown backend WHEN parsed THEN it is refused, listing the backends", () => {
    expect(problems(withState({ backend: "consul" as "auto" }))).toEqual([line("state.backend", "consul", "one of auto, local, gitlab, s3")]);
  });

  test.each<[string, unknown]>([
    ["a path with a space", "my group/project"],
    ["a path with text after it", "group/project x"],
    ["an ID with letters after it", "123x"],
    ["project ID 0", 0],
  ])("GIVEN the state project as %s WHEN parsed THEN it is refused, saying what is allowed", (_name, project) => {
    expect(problems(withStateProject(project))).toEqual([line("state.gitlab.project", project, PROJECT_REF)]);
  });

  test.each<[string, unknown]>([
    ["a numeric ID", 12345678],
    ["an ID as a string", "12345678"],
    ["a path with dashes", "my-group/infrastructure"],
    ["a path in a subgroup", "group/sub/project"],
  ])("GIVEN the state project as %s WHEN parsed THEN it is accepted", (_name, project) => {
    expect(problems(withStateProject(project))).toEqual([]);
  });

  const BUCKET = "an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-'";
  const KEY_PREFIX = "an S3 key prefix such as eks-flux-gitops or teams/platform, without a leading or trailing '/'";
  test.each<[string, NonNullable<StateInput["s3"]>, string]>([
    ["a bucket with capitals", { bucket: "Bucket_With_Caps" }, line("state.s3.bucket", "Bucket_With_Caps", BUCKET)],
    ["a bucket with a bad character after a valid name", { bucket: "state-bucket_x" }, line("state.s3.bucket", "state-bucket_x", BUCKET)],
    ["a bucket of 64 characters", { bucket: "b".repeat(64) }, line("state.s3.bucket", "b".repeat(64), BUCKET)],
    ["a keyPrefix with a leading slash", { keyPrefix: "/leading-slash" }, line("state.s3.keyPrefix", "/leading-slash", KEY_PREFIX)],
    ["a keyPrefix with a trailing slash", { keyPrefix: "teams/" }, line("state.s3.keyPrefix", "teams/", KEY_PREFIX)],
    ["a kmsKeyId that is not an ARN", { kmsKeyId: "my key" }, line("state.s3.kmsKeyId", "my key", "a KMS key or alias ARN")],
    ["a kmsKeyId with text before the ARN", { kmsKeyId: `x ${KMS_KEY}` }, line("state.s3.kmsKeyId", `x ${KMS_KEY}`, "a KMS key or alias ARN")],
    ["a kmsKeyId with text after the ARN", { kmsKeyId: `${KMS_KEY} x` }, line("state.s3.kmsKeyId", `${KMS_KEY} x`, "a KMS key or alias ARN")],
  ])("GIVEN state.s3 with %s WHEN parsed THEN exactly that value is refused, saying what is allowed", (_name, s3, expected) => {
    expect(problems(withS3(s3))).toEqual([expected]);
  });

  test.each<[string, NonNullable<StateInput["s3"]>]>([
    ["a bucket of 3 characters", { bucket: "b-1" }],
    ["a bucket with dashes and dots", { bucket: "my-state.bucket" }],
    ["a bucket of 63 characters", { bucket: "b".repeat(63) }],
    ["a keyPrefix of one segment", { keyPrefix: "eks-flux-gitops" }],
    ["a keyPrefix of two segments", { keyPrefix: "teams/platform" }],
    ["a KMS key ARN", { kmsKeyId: KMS_KEY }],
    ["a KMS alias ARN in GovCloud", { kmsKeyId: "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/state" }],
  ])("GIVEN state.s3 with %s WHEN parsed THEN it is accepted", (_name, s3) => {
    expect(problems(withS3(s3))).toEqual([]);
  });

  test("GIVEN the s3 backend without a bucket WHEN parsed THEN the bucket is reported missing", () => {
    expect(problems(withState({ backend: "s3" }))).toEqual(["settings.state.s3.bucket: missing; allowed: a bucket name (required when state.backend is s3)"]);
  });

  test.each<[string, StateInput]>([
    ["the s3 backend with a bucket", { backend: "s3", s3: { bucket: "my-state-bucket" } }],
    ["the local backend without a bucket", { backend: "local" }],
  ])("GIVEN %s WHEN parsed THEN it is accepted", (_name, state) => {
    expect(problems(withState(state))).toEqual([]);
  });
});

describe("policy", () => {
  test.each<[string, Record<string, unknown>, string]>([
    ["a reason that is not a string", { CKV2_AWS_11: 42 }, line("policy.acceptedRisks.CKV2_AWS_11", 42, "a reason, in words, why the risk is accepted")],
    [
      "a reason of 9 characters",
      { CKV2_AWS_11: "too short" },
      line("policy.acceptedRisks.CKV2_AWS_11", "too short", "a reason, in words, why the risk is accepted (10 characters or more)"),
    ],
    [
      "a reason that is short once its spaces are trimmed",
      { CKV2_AWS_11: "   short   " },
      line("policy.acceptedRisks.CKV2_AWS_11", "short", "a reason, in words, why the risk is accepted (10 characters or more)"),
    ],
  ])("GIVEN an accepted risk with %s WHEN parsed THEN it is refused, saying what is allowed", (_name, risks, expected) => {
    expect(problems(withRisks(risks))).toEqual([expected]);
  });

  test("GIVEN a reason with spaces around it WHEN parsed THEN it is kept trimmed", () => {
    expect(parseSettings(withRisks({ CKV2_AWS_11: "  flow logs are off in this trial  " })).policy.acceptedRisks.CKV2_AWS_11).toBe(
      "flow logs are off in this trial",
    );
  });
});

describe("rules across the clusters", () => {
  const first: ClusterInput = { name: "prod" };
  const second: ClusterInput = { name: "stage", apps: [{ ecr: { repositoryName: "stage-repo" } }] };
  const underPath = (baseUrl: string, index: number) =>
    line(
      `clusters[${index}].flux.commitStatuses`,
      true,
      `false: Flux's GitLab commit statuses cannot reach an instance under a path (gitlab.baseUrl ${baseUrl})`,
    );

  test.each(["https://gitlab.example.com/gitlab", "http://gitlab.example.com/gitlab"])(
    "GIVEN an instance under a path (%s) and commit statuses on WHEN parsed THEN commit statuses are refused",
    (baseUrl) => {
      expect(problems(withGitlab({ baseUrl }))).toEqual([underPath(baseUrl, 0)]);
    },
  );

  test("GIVEN an instance under a path and commit statuses on in the second cluster only WHEN parsed THEN only the second is refused", () => {
    const baseUrl = "https://gitlab.example.com/gitlab";
    expect(problems(withClusters({ baseUrl }, [{ ...first, flux: { commitStatuses: false } }, second]))).toEqual([underPath(baseUrl, 1)]);
  });

  test.each<[string, string]>([
    ["an instance under a path with commit statuses off", "https://gitlab.example.com/gitlab"],
    ["an instance at the root, written with its slash", "https://gitlab.example.com/"],
  ])("GIVEN %s WHEN parsed THEN it is accepted", (_name, baseUrl) => {
    const flux = baseUrl.endsWith("/gitlab") ? { commitStatuses: false } : {};
    expect(problems(withClusters({ baseUrl }, [{ ...first, flux }]))).toEqual([]);
  });

  test("GIVEN a baseUrl under a path with a scheme that only ends in https WHEN parsed THEN only the scheme is refused", () => {
    const baseUrl = "git+https://gitlab.example.com/gitlab";
    expect(problems(withGitlab({ baseUrl }))).toEqual([line("gitlab.baseUrl", baseUrl, "an http(s) URL such as https://gitlab.com")]);
  });

  // Cluster "prod" with team "a-team-b" and cluster "prod-team-a" with team "b" both create the CI role prod-team-a-team-b-ci.
  const clashing = "a value whose IAM role prod-team-a-team-b-ci no other cluster creates (clusters[0] does; IAM names are account-wide)";
  const prod: ClusterInput = { name: "prod", teams: [{ name: "a-team-b", gitlabProject: "teams/prod-b", ecrRepositories: ["prod/b"] }] };
  const otherTeams = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `t${i}`, gitlabProject: `teams/t${i}` }));
  const clashingTeam = { name: "b", gitlabProject: "teams/b", ecrRepositories: ["other/b"] };

  test("GIVEN two clusters whose team CI roles have the same name WHEN parsed THEN the second team's name is refused", () => {
    const other: ClusterInput = { name: "prod-team-a", apps: [{ ecr: { repositoryName: "other-repo" } }], teams: [clashingTeam] };
    expect(problems(withClusters({}, [prod, other]))).toEqual([line("clusters[1].teams[0].name", "b", clashing)]);
  });

  test("GIVEN the clashing team is the eleventh of its cluster WHEN parsed THEN its index is shown as a list index", () => {
    const other: ClusterInput = { name: "prod-team-a", apps: [{ ecr: { repositoryName: "other-repo" } }], teams: [...otherTeams(10), clashingTeam] };
    expect(problems(withClusters({}, [prod, other]))).toEqual([line("clusters[1].teams[10].name", "b", clashing)]);
  });

  test("GIVEN a cluster repeating one of its own team CI roles before a role another cluster has WHEN parsed THEN the clash with the other cluster is still found", () => {
    const twins = [
      { name: "z", gitlabProject: "teams/z1", namespaces: ["z1"], ecrRepositories: ["z/one"] },
      { name: "z", gitlabProject: "teams/z2", namespaces: ["z2"], ecrRepositories: ["z/two"] },
    ];
    const other: ClusterInput = { name: "prod-team-a", apps: [{ ecr: { repositoryName: "other-repo" } }], teams: [...twins, clashingTeam] };
    expect(problems(withClusters({}, [prod, other]))).toEqual([
      line("clusters[1].teams[1].name", "z", 'a name no other team uses (teams[0] is "z")'),
      line("clusters[1].teams[2].name", "b", clashing),
    ]);
  });

  // A value of the wrong type stops zod before the rules across clusters: the value is reported by itself, and they never see it.
  test("GIVEN an instance under a path and a cluster whose flux is null WHEN parsed THEN only flux is refused", () => {
    const baseUrl = "https://gitlab.example.com/gitlab";
    expect(problems(withClusters({ baseUrl }, [{ ...first, flux: null as unknown as ClusterInput["flux"] }]))).toEqual([
      line("clusters[0].flux", null, "an object"),
    ]);
  });

  test("GIVEN an http instance and a team whose ECR repositories are null WHEN parsed THEN only the list is refused", () => {
    const teams = [{ name: "a", gitlabProject: "team-a/apps", ecrRepositories: null }] as unknown as ClusterInput["teams"];
    expect(problems(withClusters({ baseUrl: "http://gitlab.example.com" }, [{ ...first, teams }]))).toEqual([
      line("clusters[0].teams[0].ecrRepositories", null, "a list"),
    ]);
  });
});
