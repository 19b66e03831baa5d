import { SettingsError } from "../settings/load";
import type { Settings } from "../settings/schema";

/** The stacks whose state holds credentials, in words (stacks/security/credentials.ts decides which). */
const CREDENTIAL_STACKS_IN_WORDS = "gitops-repository and every <cluster>-gitops stack";

/**
 * Where every stack keeps its state, decided once from the settings and the environment.
 * Holds addresses only: credentials reach Terraform through its environment, never through here.
 */
export type StateBackend =
  /** A state file per stack beside cdktf.json. */
  | { readonly kind: "local" }
  /**
   * GitLab-managed Terraform state: `<projectApiUrl>/terraform/state/<stack>`, and for the stacks
   * whose state holds credentials `<credentialsProjectApiUrl>/terraform/state/<stack>` (a project
   * only Maintainers have a role in: GitLab lets every Developer of a project read its states).
   */
  | { readonly kind: "gitlab"; readonly projectApiUrl: string; readonly credentialsProjectApiUrl: string }
  /** `s3://<bucket>/<keyPrefix>/<stack>.tfstate`, encrypted, with S3's native lock file. */
  | { readonly kind: "s3"; readonly bucket: string; readonly region: string; readonly keyPrefix: string; readonly kmsKeyId?: string };

/** The state of a fresh clone outside CI. */
export const LOCAL_STATE: StateBackend = { kind: "local" };

/** The variables GitLab sets in every CI job that this program reads. */
export interface CiEnvironment {
  readonly GITLAB_CI?: string;
  readonly CI_API_V4_URL?: string;
  readonly CI_PROJECT_ID?: string;
}

/**
 * Resolves `settings.state`: `auto` is GitLab-managed state inside a GitLab CI job
 * (`GITLAB_CI=true`) and a local file elsewhere. Throws {@link SettingsError} with one line that
 * names the setting when the choice cannot work here.
 */
export function resolveStateBackend(settings: Pick<Settings, "state" | "gitlab">, env: CiEnvironment): StateBackend {
  const { state } = settings;
  const inCi = env.GITLAB_CI === "true";
  const kind = state.backend === "auto" ? (inCi ? "gitlab" : "local") : state.backend;

  if (kind === "local") return LOCAL_STATE;
  if (kind === "s3") {
    // The schema requires the bucket for backend s3.
    const { bucket, region, keyPrefix, kmsKeyId } = state.s3;
    return { kind, bucket: bucket!, region, keyPrefix, ...(kmsKeyId ? { kmsKeyId } : {}) };
  }

  const credentials = state.gitlab.credentialsProject;
  if (credentials === undefined) {
    throw new SettingsError([
      `settings.state.gitlab.credentialsProject: missing; allowed: a project only Maintainers have a role in (group/project or its ID), for the state of ${CREDENTIAL_STACKS_IN_WORDS}, which holds Flux's deploy keys and the commit-status token (every Developer of a project can read its GitLab-managed state); or state.backend local or s3`,
    ]);
  }
  const credentialsProjectApiUrl = projectApiUrl(settings.gitlab.baseUrl, credentials);
  const named = state.gitlab.project;
  if (named !== undefined) {
    // The API takes a project's ID or its URL-encoded path; the same address on a laptop and in CI.
    return { kind, projectApiUrl: projectApiUrl(settings.gitlab.baseUrl, named), credentialsProjectApiUrl };
  }
  if (!inCi) {
    throw new SettingsError([
      `settings.state.gitlab.project: missing; allowed: the project that holds the state (group/project or its ID), which only a GitLab CI job can default (to its own project); or state.backend local or s3`,
    ]);
  }
  const api = env.CI_API_V4_URL ?? "";
  const id = env.CI_PROJECT_ID ?? "";
  if (!/^https?:\/\/\S+$/.test(api) || !/^\d+$/.test(id)) {
    throw new SettingsError([
      `settings.state.gitlab.project: missing, and this GitLab CI job's CI_API_V4_URL (${JSON.stringify(api)}) and CI_PROJECT_ID (${JSON.stringify(id)}) do not name a project; allowed: a project named in settings, or a job that sets both`,
    ]);
  }
  return { kind, projectApiUrl: `${api.replace(/\/+$/, "")}/projects/${id}`, credentialsProjectApiUrl };
}

/** The API address of a project on the instance: its ID, or its path URL-encoded. */
function projectApiUrl(baseUrl: string, project: string | number): string {
  return `${baseUrl}/api/v4/projects/${encodeURIComponent(String(project))}`;
}
