import type { Construct } from "constructs";
import { type ITerraformDependable, TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { ClusterAccess } from "./constructs/aws/cluster-access";
import { EcrRepository } from "./constructs/aws/ecr-repository";
import { type AddonConfigurationValue, EksAddon, type EksAddonProps } from "./constructs/aws/eks-addon";
import { EksCluster } from "./constructs/aws/eks-cluster";
import { EksOidcProvider } from "./constructs/aws/eks-oidc-provider";
import { GitLabOidcProvider } from "./constructs/aws/gitlab-oidc-provider";
import { clusterAutoscalerPolicy, ecrReadOnlyPolicy, managedPolicyArn } from "./constructs/aws/iam";
import { IrsaRole } from "./constructs/aws/irsa-role";
import { ManagedNodeGroup } from "./constructs/aws/managed-node-group";
import { Network } from "./constructs/aws/network";
import { PodIdentityRole } from "./constructs/aws/pod-identity-role";
import { TeamCiRole } from "./constructs/aws/team-ci-role";
import { CLUSTER_AUTOSCALER, controllerRoleNames, flowLogsRoleName, nodeGroupName, TEAM_ECR_READER, teamCiRoleName, teamImageReaderRoleName } from "./naming";
import { ProjectStack, type ProjectStackProps } from "./project-stack";
import { awsDefaultTags } from "./tags";
import { ecrSchema, type ClusterSettings, type GitLabSettings } from "./settings/schema";

/**
 * Add-ons the first nodes need to become Ready, all DaemonSets (ACTIVE with no node yet): the VPC
 * CNI, kube-proxy (the CNI reaches the API server through the cluster service IP, which only
 * kube-proxy routes; without it aws-node crash-loops and the nodes stay NotReady) and the Pod
 * Identity agent (credentials for pods from their first start).
 */
export const ADDONS_BEFORE_NODES = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"] as const;
/**
 * Add-ons that run Deployments, so they stay DEGRADED until nodes exist. metrics-server (for
 * `kubectl top` and HorizontalPodAutoscalers) is an EKS community add-on: versioned, upgraded and
 * removed like the others, with no chart to track and no IAM.
 */
export const ADDONS_AFTER_NODES = ["coredns", "aws-ebs-csi-driver", "metrics-server"] as const;

type AddonName = (typeof ADDONS_BEFORE_NODES)[number] | (typeof ADDONS_AFTER_NODES)[number];

/**
 * The configuration values each add-on gets (the others run with their defaults).
 *
 * vpc-cni: enforce NetworkPolicies. Without it the objects Flux's bootstrap writes (network_policy)
 * and the namespaces' policies exist but nothing enforces them. `enableNetworkPolicy` is a string,
 * "true", as the add-on's configuration schema wants (`{"format": "boolean", "type": "string"}`,
 * `aws eks describe-addon-configuration --addon-name vpc-cni`); the add-on's chart
 * (aws/amazon-vpc-cni-k8s charts/aws-vpc-cni, values.yaml and templates/) turns it into
 * `enable-network-policy-controller` in the amazon-vpc-cni ConfigMap (EKS's network policy
 * controller) and `--enable-network-policy` of the node agent, which runs by default
 * (`nodeAgent.enabled: true`), so nothing else is needed (EKS User Guide, cni-network-policy-configure).
 * Enforcing mode stays "standard" (the CNI's README, NETWORK_POLICY_ENFORCING_MODE): a pod no policy
 * selects accepts all traffic, and a new pod is open for the moment until its policies are set;
 * "strict" closes that moment but needs a policy for every pod, kube-system's add-ons included.
 */
export const ADDON_CONFIGURATION: { readonly [name in AddonName]?: { readonly [key: string]: AddonConfigurationValue } } = {
  "vpc-cni": { enableNetworkPolicy: "true" },
};

/** Where the single app's ECR repository was before apps became a list (cdktf logical ids). */
export const LEGACY_ECR_ADDRESSES = {
  repository: "aws_ecr_repository.ecr_repository_795B33D4",
  lifecycle: "aws_ecr_lifecycle_policy.ecr_lifecycle_BEFBC548",
} as const;

/**
 * A team's ECR repositories get the lifecycle and deletion settings an app's repository has by
 * default (teams have no settings of their own for them): the ecr defaults of the settings.
 */
const ECR_DEFAULTS = ecrSchema.parse({});
export const TEAM_ECR_POLICY = {
  keepImages: ECR_DEFAULTS.keepImages,
  untaggedExpiryDays: ECR_DEFAULTS.untaggedExpiryDays,
  forceDelete: ECR_DEFAULTS.forceDelete,
} as const;

/**
 * The construct id of a team's repository: by name, not by position, so that reordering
 * ecrRepositories replaces nothing. ECR names never hold "--", so "/" -> "--" keeps them apart.
 */
export function teamEcrId(teamName: string, repositoryName: string): string {
  return `team-${teamName}-ecr-${repositoryName.replaceAll("/", "--")}`;
}

export interface ClusterStackProps extends ProjectStackProps {
  /** One validated cluster entry of the settings. */
  readonly cluster: ClusterSettings;
  /**
   * The GitLab instance the teams' CI roles trust (its baseUrl) and where its IAM OIDC provider
   * comes from (awsOidcProvider). Read only when a team has ECR repositories.
   * @default - none: a team with ECR repositories is then an error
   */
  readonly gitlab?: Pick<GitLabSettings, "baseUrl" | "awsOidcProvider">;
  /**
   * ARN of the GitLab OIDC provider an earlier cluster stack created: an account holds one
   * provider per URL. A cross-stack reference, so cdktf deploys that stack first.
   * @default - created here (awsOidcProvider "create") or read by URL ("existing"), when a team has ECR repositories
   */
  readonly gitlabOidcProviderArn?: string;
}

/** One app's ECR repository (cross-stack references). */
export interface EcrRepositoryRef {
  readonly url: string;
  readonly arn: string;
}

/** What a cluster's AWS stack gives its GitOps stack (cross-stack references); ClusterStack implements it. */
export interface ClusterOutputs {
  readonly clusterName: string;
  /** Kubernetes API endpoint (https URL). */
  readonly clusterEndpoint: string;
  /** Base64-encoded PEM of the cluster CA, as EKS returns it. */
  readonly clusterCaData: string;
  /** Each app's ECR repository, by app name. */
  readonly ecrRepositories: Readonly<Record<string, EcrRepositoryRef>>;
  /** ARN of each team's image reader role (IRSA), by team name: teams with ECR repositories only. */
  readonly teamImageReaderRoleArns: Readonly<Record<string, string>>;
}

/**
 * Everything AWS for one cluster: network, control plane, access, add-ons, nodes, the
 * ECR repository of each app, and each team's ECR repositories with the role its GitLab CI pushes
 * with. Its public fields are what other stacks read (as cross-stack references).
 */
export class ClusterStack extends ProjectStack implements ClusterOutputs {
  readonly clusterName: string;
  readonly clusterEndpoint: string;
  readonly clusterCaData: string;
  readonly ecrRepositories: Readonly<Record<string, EcrRepositoryRef>>;
  /** Each team's ECR repositories, by team name and repository name (empty for a team without any). */
  readonly teamEcrRepositories: Readonly<Record<string, Readonly<Record<string, EcrRepositoryRef>>>>;
  /** ARN of each team's CI role, by team name; only teams with ECR repositories have one. */
  readonly teamCiRoleArns: Readonly<Record<string, string>>;
  /** ARN of each team's image reader role (IRSA), by team name; only teams with ECR repositories have one. */
  readonly teamImageReaderRoleArns: Readonly<Record<string, string>>;
  /**
   * ARN of the GitLab OIDC provider the teams' CI roles trust (created here, passed in or read);
   * undefined when no team of the cluster has ECR repositories.
   */
  readonly gitlabOidcProviderArn?: string;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { cluster } = props;

    new AwsProvider(this, "aws", {
      region: cluster.region,
      defaultTags: [{ tags: awsDefaultTags(cluster) }],
    });
    const partition = new DataAwsPartition(this, "partition").partition;
    const caller = new DataAwsCallerIdentity(this, "caller");

    const network = new Network(this, "network", {
      name: cluster.name,
      vpcCidr: cluster.network.vpcCidr,
      availabilityZones: cluster.network.availabilityZones,
      publicSubnetCidrs: cluster.network.publicSubnets,
      privateSubnetCidrs: cluster.network.privateSubnets,
      flowLogs: cluster.network.flowLogs.enabled
        ? { retentionDays: cluster.network.flowLogs.retentionDays, roleName: flowLogsRoleName(cluster.name) }
        : undefined,
    });
    const privateSubnetIds = network.privateSubnets.map((s) => s.id);

    const eks = new EksCluster(this, "eks", {
      deletionProtection: cluster.eks.deletionProtection,
      name: cluster.name,
      kubernetesVersion: cluster.eks.kubernetesVersion,
      supportType: cluster.eks.supportType,
      subnetIds: privateSubnetIds,
      endpointPublicAccess: cluster.eks.endpointPublicAccess,
      publicAccessCidrs: cluster.eks.publicAccessCidrs,
      logTypes: cluster.eks.logTypes,
      logRetentionDays: cluster.eks.logRetentionDays,
      partition,
      accountId: caller.accountId,
    });
    // Who Pod Identity roles trust: EKS acting for this account, for this cluster's pods only.
    const podTrust = { accountId: caller.accountId, clusterArn: eks.cluster.arn };
    // Reference the cluster resource's name so everything below waits for the control plane.
    const clusterName = eks.cluster.name;

    new ClusterAccess(this, "access", {
      clusterName,
      partition,
      adminPrincipalArns: cluster.eks.adminPrincipalArns,
      viewerPrincipalArns: cluster.eks.viewerPrincipalArns,
      grantDeployer: cluster.eks.grantDeployerAdmin,
      callerArn: caller.arn,
    });

    const addon = (name: AddonName, dependsOn: ITerraformDependable[] = [], podIdentityAssociations?: EksAddonProps["podIdentityAssociations"]) =>
      new EksAddon(this, `addon-${name}`, {
        version: (cluster.eks.addonVersions as Record<string, string | undefined>)[name],
        clusterName,
        kubernetesVersion: cluster.eks.kubernetesVersion,
        addonName: name,
        configurationValues: ADDON_CONFIGURATION[name],
        dependsOn,
        podIdentityAssociations,
      });
    // The VPC CNI manages the nodes' network interfaces with its own role (AWS's recommendation),
    // not the node role every pod on the node could use. EKS creates the association with the
    // add-on; the agent that hands out the credentials is installed first, and the CNI's pods only
    // start once nodes join, after both.
    const vpcCni = new PodIdentityRole(this, "vpc-cni-identity", {
      ...podTrust,
      clusterName,
      namespace: "kube-system",
      serviceAccount: "aws-node",
      roleName: controllerRoleNames.vpcCni(cluster.name),
      managedPolicyArns: [managedPolicyArn(partition, "AmazonEKS_CNI_Policy")],
      associate: false,
    });
    const podIdentityAgent = addon("eks-pod-identity-agent").addon;
    const earlyAddons = ADDONS_BEFORE_NODES.map((name) => {
      if (name === "eks-pod-identity-agent") return podIdentityAgent;
      if (name === "vpc-cni") return addon(name, [podIdentityAgent, ...vpcCni.permissions], [{ serviceAccount: "aws-node", roleArn: vpcCni.role.arn }]).addon;
      return addon(name).addon;
    });

    const nodes = new ManagedNodeGroup(this, "nodes", {
      clusterName,
      clusterAtPlan: eks.atPlan,
      nodeGroupName: nodeGroupName(cluster.name, cluster.nodeGroup.name),
      subnetIds: privateSubnetIds,
      amiType: cluster.nodeGroup.amiType,
      capacityType: cluster.nodeGroup.capacityType,
      instanceTypes: cluster.nodeGroup.instanceTypes,
      minSize: cluster.nodeGroup.minSize,
      desiredSize: cluster.nodeGroup.desiredSize,
      maxSize: cluster.nodeGroup.maxSize,
      diskSizeGiB: cluster.nodeGroup.diskSizeGiB,
      kubernetesVersion: eks.cluster.version,
      releaseVersion: this.amiReleaseVersion(cluster),
      partition,
      instanceTags: awsDefaultTags(cluster),
      dependsOn: earlyAddons,
    });

    // The EBS CSI controller gets real permissions (the walkthrough's add-on had none and never provisioned a volume).
    const ebsCsi = new PodIdentityRole(this, "ebs-csi-identity", {
      ...podTrust,
      clusterName,
      namespace: "kube-system",
      serviceAccount: "ebs-csi-controller-sa",
      roleName: controllerRoleNames.ebsCsiDriver(cluster.name),
      managedPolicyArns: [managedPolicyArn(partition, "service-role/AmazonEBSCSIDriverPolicy")],
    });
    // Node autoscaling (installed by Flux in the infrastructure layer): scales this cluster's node groups only.
    new PodIdentityRole(this, "cluster-autoscaler-identity", {
      ...podTrust,
      clusterName,
      namespace: CLUSTER_AUTOSCALER.namespace,
      serviceAccount: CLUSTER_AUTOSCALER.serviceAccount,
      roleName: controllerRoleNames.clusterAutoscaler(cluster.name),
      inlinePolicy: clusterAutoscalerPolicy({ partition, region: cluster.region, accountId: caller.accountId, clusterName: cluster.name }),
    });
    for (const name of ADDONS_AFTER_NODES) {
      addon(name, name === "aws-ebs-csi-driver" ? [nodes.nodeGroup, ...(ebsCsi.association ? [ebsCsi.association] : [])] : [nodes.nodeGroup]);
    }

    this.ecrRepositories = Object.fromEntries(
      cluster.apps.map((app, i) => {
        const ecr = new EcrRepository(this, `ecr-${app.name}`, {
          repositoryName: app.ecr.repositoryName,
          keepImages: app.ecr.keepImages,
          untaggedExpiryDays: app.ecr.untaggedExpiryDays,
          forceDelete: app.ecr.forceDelete,
        });
        // Deployments from before apps were a list have the first app's repository at the single
        // repository's address: move it (a new address alone would delete the repository and its images).
        if (i === 0) ecr.moveFrom(LEGACY_ECR_ADDRESSES);
        return [app.name, { url: ecr.repository.repositoryUrl, arn: ecr.repository.arn }];
      }),
    );

    // Teams: their own repositories, and a role their own GitLab CI pushes to them with.
    this.teamEcrRepositories = Object.fromEntries(
      cluster.tenants.map((team) => [
        team.name,
        Object.fromEntries(
          team.ecrRepositories.map((name) => {
            const ecr = new EcrRepository(this, teamEcrId(team.name, name), { repositoryName: name, ...TEAM_ECR_POLICY });
            return [name, { url: ecr.repository.repositoryUrl, arn: ecr.repository.arn }];
          }),
        ),
      ]),
    );
    // A team with no repository has nothing to push: no role, and no OIDC provider for it.
    const pushingTeams = cluster.tenants.filter((team) => team.ecrRepositories.length > 0);
    if (pushingTeams.length > 0) {
      const gitlab = props.gitlab;
      if (!gitlab) throw new Error(`ClusterStack ${id}: teams with ECR repositories need props.gitlab (the instance their CI roles trust)`);
      this.gitlabOidcProviderArn =
        props.gitlabOidcProviderArn ?? new GitLabOidcProvider(this, "gitlab-oidc-provider", { issuerUrl: gitlab.baseUrl, mode: gitlab.awsOidcProvider }).arn;
      const providerArn = this.gitlabOidcProviderArn;
      this.teamCiRoleArns = Object.fromEntries(
        pushingTeams.map((team) => {
          const ci = new TeamCiRole(this, `team-${team.name}-ci`, {
            roleName: teamCiRoleName(cluster.name, team.name),
            oidcProviderArn: providerArn,
            gitlabUrl: gitlab.baseUrl,
            gitlabProject: team.gitlabProject,
            ciBranches: team.ciBranches,
            repositoryArns: Object.values(this.teamEcrRepositories[team.name]).map((repository) => repository.arn),
            description: `GitLab CI of ${team.gitlabProject} pushes to the ECR repositories of team ${team.name} in cluster ${cluster.name}`,
          });
          return [team.name, ci.role.arn];
        }),
      );
      this.teamImageReaderRoleArns = this.teamImageReaders(cluster, pushingTeams, eks.cluster.identity.get(0).oidc.get(0).issuer);
    } else {
      this.teamCiRoleArns = {};
      this.teamImageReaderRoleArns = {};
    }

    this.clusterName = clusterName;
    this.clusterEndpoint = eks.cluster.endpoint;
    this.clusterCaData = eks.cluster.certificateAuthority.get(0).data;

    new TerraformOutput(this, "cluster_name", { value: clusterName, description: "EKS cluster name" });
    new TerraformOutput(this, "cluster_endpoint", { value: this.clusterEndpoint, description: "Kubernetes API endpoint" });
    new TerraformOutput(this, "cluster_certificate_authority_data", {
      value: this.clusterCaData,
      description: "Base64 PEM of the cluster CA",
    });
    new TerraformOutput(this, "region", { value: cluster.region, description: "AWS region of the cluster" });
    new TerraformOutput(this, "ecr_repository_urls", {
      value: Object.fromEntries(Object.entries(this.ecrRepositories).map(([app, repository]) => [app, repository.url])),
      description: "Where each app's image is pushed, by app name",
    });
    if (cluster.tenants.length > 0) {
      new TerraformOutput(this, "team_ecr_repository_urls", {
        value: Object.fromEntries(
          pushingTeams.map((team) => [
            team.name,
            Object.fromEntries(Object.entries(this.teamEcrRepositories[team.name]).map(([name, repository]) => [name, repository.url])),
          ]),
        ),
        description: "Where each team's images are pushed, by team name and repository name",
      });
      new TerraformOutput(this, "team_ci_role_arns", {
        value: this.teamCiRoleArns,
        description: "The role each team's GitLab CI assumes (AWS_ROLE_ARN) to push to its repositories, by team name",
      });
      new TerraformOutput(this, "team_image_reader_role_arns", {
        value: this.teamImageReaderRoleArns,
        description: `The role Flux's image reflector reads each team's repositories with (IRSA, through the team's ${TEAM_ECR_READER.serviceAccount} service account), by team name`,
      });
    }
    new TerraformOutput(this, "kubeconfig_command", {
      value: `aws eks update-kubeconfig --name ${clusterName} --region ${cluster.region}`,
      description: "Adds this cluster to your kubeconfig",
    });
  }

  /**
   * Flux's image automation for each team, on the team's own identity: the cluster's IAM OIDC
   * provider, and for each team a role that only the token of the team's ECR reader service
   * account (in its first namespace) may assume, reading only the team's repositories.
   *
   * Not EKS Pod Identity, which the platform's own image scanning uses: Flux 2.9 can act for one
   * object with that object's identity (object-level workload identity, `spec.serviceAccountName`)
   * only through IRSA. It requests a token for the named service account and exchanges it with
   * STS itself (fluxcd/pkg auth/access_token.go and auth/aws/provider.go); EKS Pod Identity hands
   * credentials only to a pod running as the service account (fluxcd/flux2 RFC-0010 dropped it
   * for that reason; fluxcd/flux2#6003 asks for it).
   */
  private teamImageReaders(cluster: ClusterSettings, teams: ClusterSettings["tenants"], issuerUrl: string): Record<string, string> {
    const oidc = new EksOidcProvider(this, "eks-oidc-provider", { issuerUrl });
    return Object.fromEntries(
      teams.map((team) => {
        const reader = new IrsaRole(this, `team-${team.name}-image-reader`, {
          roleName: teamImageReaderRoleName(cluster.name, team.name),
          oidcProviderArn: oidc.arn,
          conditionIssuer: oidc.conditionIssuer,
          serviceAccounts: [{ namespace: team.namespaces[0], name: TEAM_ECR_READER.serviceAccount }],
          inlinePolicy: ecrReadOnlyPolicy(Object.values(this.teamEcrRepositories[team.name]).map((repository) => repository.arn)),
          description: `Flux's image reflector reads the ECR repositories of team ${team.name} in cluster ${cluster.name} (IRSA: ${team.namespaces[0]}/${TEAM_ECR_READER.serviceAccount} only)`,
        });
        return [team.name, reader.role.arn];
      }),
    );
  }

  /**
   * The nodes' AMI release: none (EKS keeps what the group was created with), an explicit one, or
   * with "latest" the newest EKS publishes in SSM for the Kubernetes version and AMI family, read
   * at each plan: the one deliberate way this stack follows a release by itself.
   */
  private amiReleaseVersion(cluster: ClusterSettings): string | undefined {
    const wanted = cluster.nodeGroup.amiReleaseVersion;
    if (wanted !== "latest") return wanted;
    return new DataAwsSsmParameter(this, "node-ami-release", { name: amiReleaseParameter(cluster.nodeGroup.amiType, cluster.eks.kubernetesVersion) })
      .insecureValue;
  }
}

/** The SSM parameter in which EKS publishes the newest AMI release of an AMI family for a Kubernetes version. */
export function amiReleaseParameter(amiType: ClusterSettings["nodeGroup"]["amiType"], kubernetesVersion: string): string {
  const arch = amiType.includes("ARM_64") ? "arm64" : "x86_64";
  return amiType.startsWith("BOTTLEROCKET")
    ? `/aws/service/bottlerocket/aws-k8s-${kubernetesVersion}/${arch}/latest/image_version`
    : `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${arch}/standard/recommended/release_version`;
}
