import * as path from "path";
import { HttpBackend, LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { StateBackend } from "./resolve";

/** Terraform versions the S3 backend needs: `use_lockfile` is generally available from 1.11. */
export const S3_LOCKFILE_TERRAFORM = "1.11.0";

/** The name of a stack's state: the stack's name (GitLab refuses a `/` in it; stack names have none). */
export function stateName(stack: TerraformStack): string {
  return stack.node.id;
}

/**
 * Gives a stack its backend. cdktf copies this configuration into the `terraform_remote_state`
 * blocks of every stack that reads this one, so it holds addresses only: the credentials come
 * from the environment (TF_HTTP_USERNAME/TF_HTTP_PASSWORD, the AWS credential chain), which both
 * the backend and `terraform_remote_state` read. With GitLab-managed state, a stack whose state
 * holds credentials keeps it in the credentials project (see StateBackend).
 */
export function addStateBackend(stack: TerraformStack, backend: StateBackend, outdir: string, holdsCredentials: boolean): void {
  const name = stateName(stack);
  switch (backend.kind) {
    case "local": {
      // cdktf's default is an absolute path of the machine that ran synth. Terraform resolves a
      // relative one from the stack's directory (cdktf.out/stacks/<stack>), for the backend and
      // for every remote-state read alike, so this names the same file beside cdktf.json anywhere.
      const stackDir = path.resolve(outdir, "stacks", name);
      const statePath = path.relative(stackDir, path.resolve(`terraform.${name}.tfstate`));
      new LocalBackend(stack, { path: statePath.split(path.sep).join("/") });
      return;
    }
    case "gitlab": {
      const project = holdsCredentials ? backend.credentialsProjectApiUrl : backend.projectApiUrl;
      const address = `${project}/terraform/state/${name}`;
      new HttpBackend(stack, {
        address,
        lockAddress: `${address}/lock`,
        unlockAddress: `${address}/lock`,
        lockMethod: "POST",
        unlockMethod: "DELETE",
        retryWaitMin: 5,
      });
      return;
    }
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix}/${name}.tfstate`,
        region: backend.region,
        encrypt: true,
        ...(backend.kmsKeyId ? { kmsKeyId: backend.kmsKeyId } : {}),
      });
      // cdktf 0.21's S3BackendConfig predates S3's native locking.
      s3.addOverride("use_lockfile", true);
      return;
    }
  }
}
