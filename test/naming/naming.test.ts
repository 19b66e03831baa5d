import {
  accountWideRoleNames,
  commitStatusTokenName,
  controllerRoleNames,
  deployKeyTitle,
  flowLogsRoleName,
  logicalImageName,
  sshGitUrl,
  stackNames,
  TEAM_ECR_READER,
  teamCiRoleName,
  teamImageReaderRoleName,
  teamDeployKeyTitle,
  teamGitSecretName,
} from "../../stacks/naming";

/* Names other systems see: IAM roles (unique per account) and the Git URL Flux clones. */

describe("accountWideRoleNames", () => {
  const cluster = (teams: { name: string; ecrRepositories: string[] }[]) => ({ name: "prod", nodeGroup: { name: "default" }, teams });

  test("GIVEN a cluster without teams THEN its node, controller and flow-log roles, each with the setting it comes from", () => {
    expect(accountWideRoleNames(cluster([]))).toEqual([
      { name: "prod-default-node", from: ["nodeGroup", "name"] },
      { name: "prod-vpc-cni", from: ["name"] },
      { name: "prod-ebs-csi-driver", from: ["name"] },
      { name: "prod-cluster-autoscaler", from: ["name"] },
      { name: "prod-flux-image-reflector", from: ["name"] },
      { name: "prod-vpc-flow-logs", from: ["name"] },
    ]);
  });

  test("GIVEN teams THEN only those with ECR repositories add a CI role and an image reader role, named by their own index", () => {
    const names = accountWideRoleNames(
      cluster([
        { name: "search", ecrRepositories: [] },
        { name: "payments", ecrRepositories: ["payments/api"] },
      ]),
    );
    expect(names.slice(6)).toEqual([
      { name: "prod-team-payments-ci", from: ["teams", 1, "name"] },
      { name: "prod-team-payments-ro", from: ["teams", 1, "name"] },
    ]);
  });

  test("GIVEN a team THEN its image reader role's name is no longer than its CI role's (one length limit in the settings covers both)", () => {
    expect(teamImageReaderRoleName("prod", "payments").length).toBeLessThanOrEqual(teamCiRoleName("prod", "payments").length);
  });

  test("GIVEN the role name helpers THEN they match what the list says", () => {
    expect(controllerRoleNames.imageReflector("a")).toBe("a-flux-image-reflector");
    expect(flowLogsRoleName("a")).toBe("a-vpc-flow-logs");
  });
});

describe("sshGitUrl", () => {
  const gitlab = { baseUrl: "https://gitlab.example.com:8443/", project: "platform/gitops" };

  test("GIVEN no sshHost THEN the host of baseUrl (without its HTTPS port) and the GitOps project", () => {
    expect(sshGitUrl(gitlab)).toBe("ssh://git@gitlab.example.com/platform/gitops.git");
  });

  test("GIVEN an sshHost with a port, and another project THEN both are used", () => {
    expect(sshGitUrl({ ...gitlab, sshHost: "ssh.gitlab.example.com:2222" }, "teams/payments")).toBe("ssh://git@ssh.gitlab.example.com:2222/teams/payments.git");
  });
});

describe("names shown in GitLab and the cluster", () => {
  // Renaming any of these replaces what was deployed under the old name (a deploy key, a project
  // access token, a Secret a GitRepository reads, a stack and its state): they are pinned.
  test.each([
    ["the cluster's deploy key", deployKeyTitle("prod"), "Flux (cluster prod)"],
    ["a team's deploy key", teamDeployKeyTitle("prod", "payments"), "Flux (cluster prod, team payments)"],
    ["the commit-status access token", commitStatusTokenName("prod"), "flux-commit-status-prod"],
    ["a team's Git Secret", teamGitSecretName("payments"), "flux-git-payments"],
    ["a team's image reader role", teamImageReaderRoleName("prod", "payments"), "prod-team-payments-ro"],
    ["a team's ECR reader service account", TEAM_ECR_READER.serviceAccount, "flux-ecr-reader"],
    ["an app's logical image", logicalImageName("web"), "image.invalid/web"],
    ["the repository stack", stackNames.repository, "gitops-repository"],
    ["a cluster's AWS stack", stackNames.cluster("prod"), "prod-eks"],
    ["a cluster's GitOps stack", stackNames.gitops("prod"), "prod-gitops"],
  ])("GIVEN %s THEN its name is fixed", (_what, actual, expected) => {
    expect(actual).toBe(expected);
  });
});
