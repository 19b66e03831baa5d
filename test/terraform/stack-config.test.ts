import { cutProviders, rewriteInterpolations, standInName, type TerraformJson } from "./stack-config";

/*
 * What the Terraform replays do to a stack before Terraform sees it: only the blocks of a provider
 * that cannot be had are cut, and every reference to them, wherever it is, points at a stand-in.
 */

const stack = (): TerraformJson => ({
  terraform: { required_providers: { gitlab: { source: "gitlabhq/gitlab", version: "18.6.1" }, tls: { source: "hashicorp/tls", version: "4.1.0" } } },
  provider: { gitlab: [{ base_url: "https://gitlab.example.com/api/v4/" }], tls: [{}] },
  data: {
    gitlab_project: { project: { path_with_namespace: "group/project" } },
    terraform_remote_state: { other: { backend: "local", config: { path: "other.tfstate" }, depends_on: ["gitlab_deploy_key.key"] } },
  },
  resource: {
    tls_private_key: { key: { algorithm: "ED25519" } },
    gitlab_deploy_key: { key: { project: "${data.gitlab_project.project.id}", key: "${tls_private_key.key.public_key_openssh}" } },
    // A name that starts like the cut one must not be rewritten.
    gitlab_deploy_key_extra: {},
    terraform_data: {
      uses: {
        input: {
          id: "${gitlab_deploy_key.key.deploy_key_id}",
          nested: "${merge({a = data.gitlab_project.project.web_url}, {b = gitlab_deploy_key.key.key[0]})}",
          literal: "$${gitlab_deploy_key.key.id}",
          prose: "gitlab_deploy_key.key outside an interpolation stays",
          longer: "${gitlab_deploy_key.key_other.id}",
        },
        depends_on: ["gitlab_deploy_key.key", "tls_private_key.key"],
      },
    },
  },
  output: { key_id: { value: "${gitlab_deploy_key.key.id}", depends_on: ["data.gitlab_project.project"] } },
  import: [
    { to: "gitlab_deploy_key.key", id: "1:2" },
    { to: "tls_private_key.key", id: "x" },
  ],
  moved: [{ from: "gitlab_deploy_key.old", to: "gitlab_deploy_key.key" }],
});

describe("cutProviders", () => {
  const { config, cut } = cutProviders(stack(), new Set(["gitlab"]));
  const key = `terraform_data.${standInName("gitlab_deploy_key.key")}`;
  const project = `terraform_data.${standInName("data.gitlab_project.project")}`;

  test("GIVEN GitLab cut WHEN a stack is cut THEN its resources, data sources, provider block, pin, moves and imports are gone, and nothing else", () => {
    expect(cut).toEqual(["gitlab_deploy_key.key", "data.gitlab_project.project"]);
    expect(Object.keys(config.resource ?? {})).toEqual(["tls_private_key", "terraform_data"]);
    expect(Object.keys(config.data ?? {})).toEqual(["terraform_remote_state"]);
    expect(Object.keys(config.provider ?? {})).toEqual(["tls"]);
    expect(Object.keys(config.terraform?.required_providers ?? {})).toEqual(["tls"]);
    expect(config.import).toEqual([{ to: "tls_private_key.key", id: "x" }]);
    expect(config.moved).toBeUndefined();
  });

  test("GIVEN a cut resource and data source WHEN they are cut THEN each has a terraform_data stand-in", () => {
    expect(Object.keys(config.resource!.terraform_data)).toEqual(["uses", standInName("gitlab_deploy_key.key"), standInName("data.gitlab_project.project")]);
  });

  test("GIVEN references inside interpolations WHEN cut THEN a resource's attributes become the stand-in's unknown id and a data source's its known input", () => {
    const input = config.resource!.terraform_data.uses.input as Record<string, string>;
    expect(input.id).toBe(`\${${key}.id}`);
    expect(input.nested).toBe(`\${merge({a = ${project}.input}, {b = ${key}.id})}`);
    expect(config.output!.key_id.value).toBe(`\${${key}.id}`);
  });

  test("GIVEN a literal $${, prose outside an interpolation and a longer name WHEN cut THEN none of them is rewritten", () => {
    const input = config.resource!.terraform_data.uses.input as Record<string, string>;
    expect(input.literal).toBe("$${gitlab_deploy_key.key.id}");
    expect(input.prose).toBe("gitlab_deploy_key.key outside an interpolation stays");
    expect(input.longer).toBe("${gitlab_deploy_key.key_other.id}");
  });

  test("GIVEN depends_on in a resource, a data source and an output WHEN cut THEN each names the stand-in, so the order stays", () => {
    expect(config.resource!.terraform_data.uses.depends_on).toEqual([key, "tls_private_key.key"]);
    expect(config.data!.terraform_remote_state.other.depends_on).toEqual([key]);
    expect(config.output!.key_id.depends_on).toEqual([project]);
  });

  test("GIVEN nothing to cut WHEN cut THEN the stack is unchanged", () => {
    const original = stack();
    expect(cutProviders(original, new Set(["kubernetes"]))).toEqual({ config: original, cut: [] });
  });
});

describe("rewriteInterpolations", () => {
  test("GIVEN braces and quoted braces inside an interpolation WHEN rewritten THEN the whole expression is passed, once", () => {
    const seen: string[] = [];
    const out = rewriteInterpolations('a ${f({x = "}"})} b ${y}', (e) => (seen.push(e), e.toUpperCase()));
    expect(seen).toEqual(['f({x = "}"})', "y"]);
    expect(out).toBe('a ${F({X = "}"})} b ${Y}');
  });
});
