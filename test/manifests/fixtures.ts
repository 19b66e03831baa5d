import type { TemplateValues } from "../../stacks/manifests/render";

/** Example values only: a fake account id, no secrets. */
export const EXAMPLE_ECR_URL = "111122223333.dkr.ecr.us-west-2.amazonaws.com/nginx-repo";

/** Template values of the committed default cluster, with an example ECR URL; override as needed. */
export function exampleValues(overrides: Partial<TemplateValues> = {}): TemplateValues {
  return {
    CLUSTER_NAME: "flux-cluster",
    REGION: "us-west-2",
    ECR_REPOSITORY_URL: EXAMPLE_ECR_URL,
    APP_NAME: "nginx",
    APP_NAMESPACE: "apps",
    SEMVER_RANGE: "0.0.x",
    INITIAL_TAG: "0.0.1",
    CONTAINER_PORT: "8080",
    RUN_AS_USER: "101",
    REPLICAS: "2",
    GIT_BRANCH: "main",
    FLUX_INTERVAL: "1m0s",
    IMAGE_SCAN_INTERVAL: "1m0s",
    CLUSTER_PATH: "clusters/flux-cluster",
    ...overrides,
  };
}

/** What config_files/ renders to, relative to clusters/<cluster>/, in path order. */
export const RENDERED_PATHS = [
  "app.yaml",
  "app/deployment.yaml",
  "app/image-tag/kustomization.yaml",
  "app/kustomization.yaml",
  "app/namespace.yaml",
  "app/service.yaml",
  "image-automation.yaml",
  "kustomization.yaml",
];
