import { Testing } from "cdktf";
import { buildApp } from "../../main";
import { GitOpsStack, IMAGE_REFLECTOR, sshGitUrl } from "../../stacks/gitops-stack";
import { resourcesOf, SynthesizedJson, synthApp, testSettings } from "../support";
import { address, findData, findResource, ref } from "../constructs/find";
import { RENDERED_PATHS } from "../manifests/fixtures";

/** The GitOps stack of the default test cluster, synthesized with the whole app as `cdktf synth` does. */
function synthGitOps(): SynthesizedJson {
  return synthApp(testSettings())["test-cluster-gitops"];
}

describe("sshGitUrl", () => {
  test("GIVEN gitlab.com WHEN building the URL THEN it is ssh:// with user git (never scp-style)", () => {
    expect(sshGitUrl({ baseUrl: "https://gitlab.com", project: "group/project" })).toBe("ssh://git@gitlab.com/group/project.git");
  });
  test("GIVEN a self-managed instance with subgroups WHEN building the URL THEN the host comes from baseUrl", () => {
    expect(sshGitUrl({ baseUrl: "https://git.example.com/gitlab", project: "a/b/c" })).toBe("ssh://git@git.example.com/a/b/c.git");
  });
  test("GIVEN an sshHost with a port WHEN building the URL THEN it is used as is", () => {
    expect(sshGitUrl({ baseUrl: "https://git.example.com", project: "a/b", sshHost: "ssh.example.com:2222" })).toBe(
      "ssh://git@ssh.example.com:2222/a/b.git",
    );
  });
});

describe("GitOpsStack", () => {
  let json: SynthesizedJson;
  beforeAll(() => {
    json = synthGitOps();
  });

  test("GIVEN default settings WHEN synthesized THEN the GitLab provider has the API URL and no token (GITLAB_TOKEN supplies it)", () => {
    expect(json.provider?.gitlab).toEqual([{ base_url: "https://gitlab.com/api/v4/" }]);
  });

  test("GIVEN the project path WHEN synthesized THEN the project is looked up and must not be empty", () => {
    const [, project] = findData(json, "gitlab_project");
    expect(project.path_with_namespace).toBe("example-group/flux-gitops");
    expect(project.lifecycle.postcondition[0].condition).toBe("${!self.empty_repo}");
    expect(project.lifecycle.postcondition[0].error_message).toMatch(/empty repository/);
  });

  test("GIVEN the cluster WHEN synthesized THEN the deploy key is titled after it and can push", () => {
    const [projectId] = findData(json, "gitlab_project");
    const [, key] = findResource(json, "gitlab_deploy_key");
    expect(key).toMatchObject({ title: "flux-test-cluster", can_push: true, project: `\${data.gitlab_project.${projectId}.id}` });
  });

  test("GIVEN the image reflector WHEN synthesized THEN it reads ECR through a Pod Identity role scoped to this cluster's repository", () => {
    const [, association] = findResource(json, "aws_eks_pod_identity_association");
    expect(IMAGE_REFLECTOR).toEqual({ namespace: "flux-system", serviceAccount: "image-reflector-controller" });
    expect(association).toMatchObject({ namespace: "flux-system", service_account: "image-reflector-controller" });
    expect(association.cluster_name).toMatch(/^\$\{nonsensitive\(data\.terraform_remote_state\..*outputs\..*name\)\}$/);
    const [, policy] = findResource(json, "aws_iam_role_policy");
    const document = JSON.parse(policy.policy);
    const read = document.Statement.find((s: { Sid: string }) => s.Sid === "EcrRead");
    expect(read.Resource).toEqual([expect.stringMatching(/^\$\{nonsensitive\(data\.terraform_remote_state\..*outputs\..*arn\)\}$/)]);
    expect(read.Action).toEqual(expect.arrayContaining(["ecr:ListImages", "ecr:DescribeImages", "ecr:BatchGetImage"]));
    expect(read.Action.some((a: string) => /Put|Delete|Upload|Create/.test(a))).toBe(false);
    const login = document.Statement.find((s: { Sid: string }) => s.Sid === "EcrLogin");
    expect(login).toMatchObject({ Action: "ecr:GetAuthorizationToken", Resource: "*" });
  });

  test("GIVEN the bootstrap WHEN synthesized THEN it waits for the deploy key and the reflector's Pod Identity association", () => {
    const [keyId] = findResource(json, "gitlab_deploy_key");
    const [associationId] = findResource(json, "aws_eks_pod_identity_association");
    const [, bootstrap] = findResource(json, "flux_bootstrap_git");
    expect(bootstrap.path).toBe("clusters/test-cluster");
    expect(bootstrap.depends_on).toEqual(
      expect.arrayContaining([address("gitlab_deploy_key", keyId), address("aws_eks_pod_identity_association", associationId)]),
    );
  });

  test("GIVEN the Flux provider WHEN synthesized THEN it reaches the cluster from the cluster stack's outputs and Git over ssh", () => {
    const [keyId] = findResource(json, "tls_private_key");
    const flux = (json.provider?.flux ?? [])[0] as Record<string, any>;
    expect(flux.kubernetes.host).toMatch(/^\$\{nonsensitive\(data\.terraform_remote_state\..*outputs\..*endpoint\)\}$/);
    expect(flux.kubernetes.cluster_ca_certificate).toMatch(/^\$\{base64decode\(nonsensitive\(data\.terraform_remote_state\..*data\)\)\}$/);
    expect(flux.git).toEqual({
      url: "ssh://git@gitlab.com/example-group/flux-gitops.git",
      branch: "main",
      ssh: { username: "git", private_key: ref("tls_private_key", keyId, "private_key_pem") },
    });
  });

  test("GIVEN the rendered manifests WHEN synthesized THEN they are committed under clusters/<cluster>/ after the bootstrap", () => {
    const [bootstrapId] = findResource(json, "flux_bootstrap_git");
    const files = resourcesOf(json, "gitlab_repository_file").map(([, c]) => c);
    expect(files.map((f) => f.file_path).sort()).toEqual(RENDERED_PATHS.map((p) => `clusters/test-cluster/${p}`));
    const first = files.find((f) => f.file_path === "clusters/test-cluster/kustomization.yaml")!;
    expect(first.depends_on).toEqual([address("flux_bootstrap_git", bootstrapId)]);
    expect(files.every((f) => f.encoding === "text" && f.branch === "main")).toBe(true);
  });

  test("GIVEN image automation WHEN synthesized THEN only the image-tag file is left to Flux after creation", () => {
    const ignored = resourcesOf(json, "gitlab_repository_file").filter(([, c]) => c.lifecycle?.ignore_changes);
    expect(ignored.map(([, c]) => [c.file_path, c.lifecycle.ignore_changes])).toEqual([
      ["clusters/test-cluster/app/image-tag/kustomization.yaml", ["content"]],
    ]);
  });

  test("GIVEN the ECR repository of the cluster stack WHEN rendered THEN the manifests reference it through remote state, unmasked so plans show them", () => {
    const automation = resourcesOf(json, "gitlab_repository_file").find(([, c]) => c.file_path.endsWith("image-automation.yaml"))![1];
    expect(automation.content).toMatch(/image: "\$\{nonsensitive\(data\.terraform_remote_state\.[^}]*repository_url\)\}"/);
  });

  test("GIVEN cdktf marks cross-stack outputs sensitive WHEN synthesized THEN every value read from the cluster stack is unmasked", () => {
    const { data, ...rest } = json;
    const text = JSON.stringify(rest);
    const reads = text.match(/[a-z0-9_]*\(?data\.terraform_remote_state\./g) ?? [];
    expect(reads.length).toBeGreaterThanOrEqual(6);
    expect(reads.filter((r) => r !== "nonsensitive(data.terraform_remote_state.")).toEqual([]);
    expect(Object.keys(data?.terraform_remote_state ?? {})).toHaveLength(1);
  });

  test("GIVEN two stacks WHEN the app is built THEN the GitOps stack depends on its cluster stack", () => {
    const app = buildApp(Testing.app(), testSettings());
    app.synth();
    const gitops = app.node.findChild("test-cluster-gitops") as GitOpsStack;
    expect(gitops.dependencies.map((d) => (d as GitOpsStack).node.id)).toEqual(["test-cluster-eks"]);
  });
});
