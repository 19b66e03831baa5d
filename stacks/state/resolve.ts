import { SettingsError } from "../settings/load";
import type { Settings } from "../settings/schema";

/**
 * Where every stack keeps its state, decided once from the settings and the environment.
 * Holds addresses only: credentials reach Terraform through its environment, never through here.
 */
export type StateBackend =
  /** A state file per stack beside cdktf.json. */
  | { readonly kind: "local" }
  /** GitLab-managed Terraform state: `<projectApiUrl>/terraform/state/<stack>`. */
  | { readonly kind: "gitlab"; readonly projectApiUrl: string }
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

  const named = state.gitlab.project;
  if (named !== undefined) {
    // The API takes a project's ID or its URL-encoded path; the same address on a laptop and in CI.
    return { kind, projectApiUrl: `${settings.gitlab.baseUrl}/api/v4/projects/${encodeURIComponent(String(named))}` };
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
  return { kind, projectApiUrl: `${api.replace(/\/+$/, "")}/projects/${id}` };
}
