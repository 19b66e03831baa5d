import { type ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { tempDir } from "../app-process";
import { type AvailableProvider, findTerraform, lookupProvider, REPO_ROOT, scratchMirror } from "../terraform/providers";

/*
 * AWS, offline: moto's server (pinned in .ci/moto-requirements.txt, installed by .ci/run into
 * .cache/moto-venv) with the AWS provider pointed at it, so that the tests replay what Terraform and
 * AWS do with a stack's resources and plan-time reads: imports, data sources, plans across changes.
 * moto-server.py adds the one AWS behaviour the replays need and moto lacks (a log group's class).
 */

const PINNED = /moto\[server\]==(\S+)/.exec(fs.readFileSync(path.join(REPO_ROOT, ".ci", "moto-requirements.txt"), "utf8"))?.[1];
const VENV_PYTHON = path.join(REPO_ROOT, ".cache", "moto-venv", "bin", "python");

export type ReplayTools = { python: string; terraform: string; aws: AvailableProvider } | { missing: string };

/** The Python of moto's venv, with moto at the pinned version, or why it cannot be had. */
export function findMoto(): { python: string } | { missing: string } {
  const moto = spawnSync(VENV_PYTHON, ["-c", "import moto; print(moto.__version__)"], { encoding: "utf8" });
  if (moto.error || moto.status !== 0) return { missing: `moto ${PINNED} not installed (.ci/run installs it into .cache/moto-venv from PyPI)` };
  if (moto.stdout.trim() !== PINNED) return { missing: `moto ${moto.stdout.trim()} installed, the replays are for moto ${PINNED}` };
  return { python: VENV_PYTHON };
}

/** What the AWS replays need (moto at the pinned version, Terraform, an AWS provider), or why they must skip. */
export function findReplayTools(awsVersion: string): ReplayTools {
  const moto = findMoto();
  if ("missing" in moto) return moto;
  const terraform = findTerraform();
  if (!terraform) return { missing: "terraform is not on the PATH (.ci/provider-mirror installs it)" };
  const aws = lookupProvider("hashicorp/aws", awsVersion);
  if ("missing" in aws) return { missing: aws.missing };
  return { python: moto.python, terraform, aws: aws.available };
}

/** moto's server (with ./moto-server.py's additions) on a free local port, once it says it is ready. */
export async function startMotoServer(python: string): Promise<{ server: ChildProcess; endpoint: string }> {
  const port = await freePort();
  const server = spawn(python, [path.join(__dirname, "moto-server.py"), String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`moto did not start in 30 s: ${output}`)), 30_000);
    server.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.once("exit", (code) => reject(new Error(`moto exited (${code}): ${output}`)));
  });
  return { server, endpoint: `http://127.0.0.1:${port}` };
}

/** A local TCP port nothing listens on (yet): for a server to start on, or to be refused at. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A running moto server, and Terraform working against it. */
export class MotoAws {
  /** A directory where Terraform installed the provider once; workspaces share its .terraform (installing copies ~700 MB). */
  private initialized?: string;

  private constructor(
    private readonly server: ChildProcess,
    readonly endpoint: string,
    private readonly tools: { python: string; terraform: string; aws: AvailableProvider },
  ) {}

  static async start(tools: { python: string; terraform: string; aws: AvailableProvider }): Promise<MotoAws> {
    const { server, endpoint } = await startMotoServer(tools.python);
    return new MotoAws(server, endpoint, tools);
  }

  stop(): void {
    this.server.kill();
  }

  /** Forgets every AWS object (moto's reset API). */
  reset(): void {
    this.boto3(`import urllib.request; urllib.request.urlopen(urllib.request.Request("${this.endpoint}/moto-api/reset", method="POST"))`);
  }

  /**
   * Acts as AWS or as someone using it (EKS re-creating a log group, the cluster autoscaler scaling):
   * Python with `client(service)` returning a boto3 client for this server. Prints go to the result.
   */
  boto3(code: string): string {
    const prelude = [
      "import boto3",
      `def client(service): return boto3.client(service, region_name="us-east-1", endpoint_url="${this.endpoint}", aws_access_key_id="test", aws_secret_access_key="test")`,
    ].join("\n");
    const run = spawnSync(this.tools.python, ["-c", `${prelude}\n${code}`], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`boto3 call failed: ${run.stderr}`);
    return run.stdout;
  }

  /** A Terraform working directory with `config` (JSON configuration) and the AWS provider aimed at this server. */
  workspace(config: Record<string, unknown>): TerraformWorkspace {
    const dir = tempDir("moto-replay-");
    const provider = {
      region: "us-east-1",
      access_key: "test",
      secret_key: "test",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
      endpoints: [Object.fromEntries(["eks", "logs", "sts", "iam", "ec2"].map((service) => [service, this.endpoint]))],
    };
    const aws = this.tools.aws;
    const main = {
      ...config,
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version: aws.version } } },
      provider: { aws: [provider] },
    };
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(main, null, 1));
    const initialized = this.initializedProvider(main.terraform);
    fs.symlinkSync(path.join(initialized, ".terraform"), path.join(dir, ".terraform"));
    fs.copyFileSync(path.join(initialized, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
    return new TerraformWorkspace(dir, this.tools.terraform);
  }

  private initializedProvider(terraformBlock: Record<string, unknown>): string {
    if (!this.initialized) {
      const dir = tempDir("moto-provider-");
      fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: terraformBlock }));
      new TerraformWorkspace(dir, this.tools.terraform).run("init", "-input=false", `-plugin-dir=${scratchMirror(dir, [this.tools.aws])}`);
      this.initialized = dir;
    }
    return this.initialized;
  }
}

export interface TerraformRun {
  readonly status: number | null;
  /** stdout and stderr, whitespace collapsed (Terraform wraps long lines). */
  readonly output: string;
}

export class TerraformWorkspace {
  /** An empty CLI configuration: no plugin cache, mirror or credentials of this machine's user. */
  private readonly cliConfig: string;

  constructor(
    readonly dir: string,
    private readonly terraform: string,
  ) {
    this.cliConfig = path.join(dir, "no-cli-config");
    fs.writeFileSync(this.cliConfig, "");
  }

  /** Runs a Terraform command; throws unless it exits 0 (use {@link attempt} for commands expected to fail). */
  run(...args: string[]): TerraformRun {
    const result = this.attempt(...args);
    if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed: ${result.output}`);
    return result;
  }

  attempt(...args: string[]): TerraformRun {
    const env = { ...process.env, TF_CLI_CONFIG_FILE: this.cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
    const run = spawnSync(this.terraform, [...args, "-no-color"], { cwd: this.dir, env, encoding: "utf8", timeout: 120_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}`.replace(/\s+/g, " ") };
  }

  /** Applies with no prompt and returns the outputs' values. */
  apply(): Record<string, unknown> {
    this.run("apply", "-input=false", "-auto-approve");
    const outputs = JSON.parse(this.run("output", "-json").output) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, output.value]));
  }
}
