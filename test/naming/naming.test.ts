import { accountWideRoleNames, controllerRoleNames, flowLogsRoleName, sshGitUrl } from "../../stacks/naming";

/* Names other systems see: IAM roles (unique per account) and the Git URL Flux clones. */

describe("accountWideRoleNames", () => {
  const cluster = (tenants: { name: string; ecrRepositories: string[] }[]) => ({ name: "prod", nodeGroup: { name: "default" }, tenants });

  test("GIVEN a cluster without teams THEN its node, controller and flow-log roles, each with the setting it comes from", () => {
    expect(accountWideRoleNames(cluster([]))).toEqual([
      { name: "prod-default-node", from: "nodeGroup.name" },
      { name: "prod-ebs-csi-driver", from: "name" },
      { name: "prod-cluster-autoscaler", from: "name" },
      { name: "prod-flux-image-reflector", from: "name" },
      { name: "prod-vpc-cni", from: "name" },
      { name: "prod-vpc-flow-logs", from: "name" },
    ]);
  });

  test("GIVEN teams THEN only those with ECR repositories add a CI role, named by their own index", () => {
    const names = accountWideRoleNames(cluster([
      { name: "search", ecrRepositories: [] },
      { name: "payments", ecrRepositories: ["payments/api"] },
    ]));
    expect(names.slice(6)).toEqual([{ name: "prod-team-payments-ci", from: "tenants[1].name" }]);
  });

  test("GIVEN the role name helpers THEN they match what the list says", () => {
    expect(controllerRoleNames.vpcCni("a")).toBe("a-vpc-cni");
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
