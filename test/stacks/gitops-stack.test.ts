import { Testing } from "cdktf";
import { buildApp } from "../../main";
import { fluxSystemKustomization } from "../../stacks/constructs/gitops/flux-bootstrap";
import { type GitOpsStack, IMAGE_REFLECTOR, sshGitUrl } from "../../stacks/gitops-stack";
import { type Json, remoteOutput, resourcesOf, type SynthesizedJson, synthApp, testSettings, twoClusters } from "../support";
import { address, findData, findResource } from "../constructs/find";

/** The GitOps stack of the default test cluster, synthesized with the whole app as `cdktf synth` does. */
function synthGitOps(): SynthesizedJson {
  return synthApp(testSettings())["test-cluster-gitops"];
}

/** A read of `output` of stack `stack`'s state by the GitOps stack, as in synthGitOps. */
const REMOTE = (stack: string, output: RegExp | string) => remoteOutput(synthApp(testSettings()), "test-cluster-gitops", stack, output);

describe("sshGitUrl", () => {
  test("GIVEN gitlab.com WHEN building the URL THEN it is ssh:// with user git (never scp-style)", () => {
    expect(sshGitUrl({ baseUrl: "https://gitlab.com", project: "group/project" })).toBe("ssh://git@gitlab.com/group/project.git");
  });
  test("GIVEN a self-managed instance with subgroups WHEN building the URL THEN the host comes from baseUrl", () => {
    expect(sshGitUrl({ baseUrl: "https://git.example.com/gitlab", project: "a/b/c" })).toBe("ssh://git@git.example.com/a/b/c.git");
  });
  test("GIVEN an sshHost with a port WHEN building the URL THEN it is used as is", () => {
    expect(sshGitUrl({ baseUrl: "https://git.example.com", project: "a/b", sshHost: "ssh.example.com:2222" })).toBe("ssh://git@ssh.example.com:2222/a/b.git");
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

  test("GIVEN the stack WHEN synthesized THEN it needs Terraform 1.7 or newer", () => {
    expect(json.terraform?.required_version).toBe(">= 1.7.0");
  });

  test("GIVEN the project path WHEN synthesized THEN the project is looked up and must not be empty", () => {
    const [, project] = findData(json, "gitlab_project");
    expect(project.path_with_namespace).toBe("example-group/flux-gitops");
    expect(project.lifecycle.postcondition[0].condition).toBe("${!self.empty_repo}");
  });

  test("GIVEN the deploy key lives in the repository stack WHEN synthesized THEN this stack creates no key and reads it from there, marked sensitive again", () => {
    expect(json.resource?.tls_private_key).toBeUndefined();
    expect(json.resource?.gitlab_deploy_key).toBeUndefined();
    const flux = (json.provider?.flux ?? [])[0] as Json;
    expect(flux.git.ssh.private_key).toMatch(/^\$\{sensitive\(data\.terraform_remote_state\.[^)]*private_key_pem\)\}$/);
    expect(flux.git.ssh.private_key).toMatch(REMOTE("gitops-repository", "private_key_pem"));
    expect(flux.git).toMatchObject({
      url: "ssh://git@gitlab.com/example-group/flux-gitops.git",
      branch: "main",
      author_name: "Flux",
      author_email: "flux@noreply.gitlab.com",
    });
  });

  test("GIVEN a key rotation WHEN the repository stack has a new key THEN the bootstrap changes with it (its update rewrites the cluster's Secret)", () => {
    const [, bootstrap] = findResource(json, "flux_bootstrap_git");
    const fingerprint = bootstrap.kustomization_override.match(/# Flux deploy key: (\$\{[^}]+\})/)[1];
    expect(fingerprint).toMatch(REMOTE("gitops-repository", "public_key_fingerprint_sha256"));
    expect(bootstrap.kustomization_override).toBe(fluxSystemKustomization(fingerprint));
  });

  test("GIVEN the image reflector WHEN synthesized THEN it reads ECR through a Pod Identity role scoped to this cluster's repository", () => {
    const [, association] = findResource(json, "aws_eks_pod_identity_association");
    expect(IMAGE_REFLECTOR).toEqual({ namespace: "flux-system", serviceAccount: "image-reflector-controller" });
    expect(association).toMatchObject({ namespace: "flux-system", service_account: "image-reflector-controller" });
    expect(association.cluster_name).toMatch(REMOTE("test-cluster-eks", "name"));
    const [, policy] = findResource(json, "aws_iam_role_policy");
    const document = JSON.parse(policy.policy);
    const read = document.Statement.find((s: { Sid: string }) => s.Sid === "EcrRead");
    expect(read.Resource).toEqual([expect.stringMatching(REMOTE("test-cluster-eks", "arn"))]);
    expect(read.Action).toEqual(expect.arrayContaining(["ecr:ListImages", "ecr:DescribeImages", "ecr:BatchGetImage"]));
    expect(read.Action.some((a: string) => /Put|Delete|Upload|Create/.test(a))).toBe(false);
    const login = document.Statement.find((s: { Sid: string }) => s.Sid === "EcrLogin");
    expect(login).toMatchObject({ Action: "ecr:GetAuthorizationToken", Resource: "*" });
  });

  test("GIVEN the bootstrap WHEN synthesized THEN it waits for the reflector's Pod Identity association", () => {
    const [associationId] = findResource(json, "aws_eks_pod_identity_association");
    const [, bootstrap] = findResource(json, "flux_bootstrap_git");
    expect(bootstrap.path).toBe("clusters/test-cluster");
    expect(bootstrap.depends_on).toEqual([address("aws_eks_pod_identity_association", associationId)]);
  });

  test("GIVEN the Flux provider WHEN synthesized THEN it reaches the cluster from the cluster stack's outputs", () => {
    const flux = (json.provider?.flux ?? [])[0] as Json;
    expect(flux.kubernetes.host).toMatch(REMOTE("test-cluster-eks", "endpoint"));
    expect(flux.kubernetes.cluster_ca_certificate).toMatch(/^\$\{base64decode\(data\.terraform_remote_state\.[^)]*data\)\}$/);
  });

  test("GIVEN the rendered manifests WHEN synthesized THEN they are committed one after another after the bootstrap, in the layout's order", () => {
    const [bootstrapId] = findResource(json, "flux_bootstrap_git");
    const files = resourcesOf(json, "gitlab_repository_file");
    const byAddress = new Map(files.map(([id, c]) => [address("gitlab_repository_file", id), c]));
    // Follow the chain from the bootstrap.
    const chain: string[] = [];
    let previous = address("flux_bootstrap_git", bootstrapId);
    for (;;) {
      const next = files.find(([, c]) => (c.depends_on ?? []).includes(previous));
      if (!next) break;
      chain.push(next[1].file_path);
      previous = address("gitlab_repository_file", next[0]);
    }
    expect(chain).toEqual([
      "infrastructure/test-cluster/image-repository-identity.yaml",
      "infrastructure/test-cluster/team-guardrails.yaml",
      "infrastructure/test-cluster/cluster-autoscaler.yaml",
      "infrastructure/test-cluster/kustomization.yaml",
      "apps/test-cluster/namespaces/apps.yaml",
      "apps/test-cluster/nginx/service.yaml",
      "apps/test-cluster/nginx/deployment.yaml",
      "apps/test-cluster/nginx/pdb.yaml",
      "apps/test-cluster/nginx/image/kustomization.yaml",
      "apps/test-cluster/nginx/kustomization.yaml",
      "apps/test-cluster/kustomization.yaml",
      "clusters/test-cluster/infrastructure.yaml",
      "clusters/test-cluster/apps.yaml",
      "clusters/test-cluster/images/nginx.yaml",
      "clusters/test-cluster/image-automation.yaml",
      "clusters/test-cluster/notifications.yaml",
    ]);
    expect(chain).toHaveLength(byAddress.size);
    expect(files.every(([, f]) => f.encoding === "text" && f.branch === "main")).toBe(true);
  });

  test("GIVEN image automation WHEN synthesized THEN only the image component is left to Flux after creation", () => {
    const ignored = resourcesOf(json, "gitlab_repository_file").filter(([, c]) => c.lifecycle?.ignore_changes);
    expect(ignored.map(([, c]) => [c.file_path, c.lifecycle.ignore_changes])).toEqual([["apps/test-cluster/nginx/image/kustomization.yaml", ["content"]]]);
  });

  test("GIVEN the ECR repository of the cluster stack WHEN rendered THEN the app's image objects reference it through remote state", () => {
    const policy = resourcesOf(json, "gitlab_repository_file").find(([, c]) => c.file_path === "clusters/test-cluster/images/nginx.yaml")![1];
    expect(policy.content).toMatch(/image: "\$\{data\.terraform_remote_state\.[^}]*repository_url\}"/);
  });

  test("GIVEN the image reflector's role WHEN synthesized THEN it may read the cluster's app repositories and nothing else", () => {
    const [, role] = findResource(json, "aws_iam_role_policy");
    const statements = JSON.parse(role.policy).Statement as { Sid: string; Resource: string | string[] }[];
    expect(statements.find((st) => st.Sid === "EcrRead")!.Resource).toEqual([
      expect.stringMatching(/^\$\{data\.terraform_remote_state\.[^}]*ecr-nginx_repository[^}]*arn\}$/),
    ]);
  });

  test("GIVEN remote state drops the sensitive mark WHEN synthesized THEN no value is wrapped in nonsensitive() (an error before Terraform 1.7)", () => {
    expect(JSON.stringify(json)).not.toContain("nonsensitive(");
  });
});

describe("the app's stacks", () => {
  test("GIVEN one cluster WHEN built THEN its GitOps stack depends on its cluster stack and on the repository stack", () => {
    const app = buildApp(Testing.app(), testSettings());
    app.synth();
    const gitops = app.node.findChild("test-cluster-gitops") as GitOpsStack;
    expect(gitops.dependencies.map((d) => (d as GitOpsStack).node.id).sort()).toEqual(["gitops-repository", "test-cluster-eks"]);
  });

  test("GIVEN two clusters sharing the branch WHEN built THEN the second GitOps stack waits for the first (no two stacks commit at once)", () => {
    const app = buildApp(Testing.app(), twoClusters());
    app.synth();
    const ids = (name: string) => (app.node.findChild(name) as GitOpsStack).dependencies.map((d) => (d as GitOpsStack).node.id).sort();
    expect(ids("test-cluster-gitops")).toEqual(["gitops-repository", "test-cluster-eks"]);
    expect(ids("second-gitops")).toEqual(["gitops-repository", "second-eks", "test-cluster-gitops"]);
  });
});
