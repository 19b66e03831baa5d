/** Small helpers that build IAM policy documents as JSON (tokens inside strings resolve at synth). */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** A trust policy letting an AWS service principal assume the role. */
export function trustPolicy(service: string, actions: readonly string[] = ["sts:AssumeRole"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
  });
}

/** The service principal of EKS Pod Identity: the only one a Pod Identity role trusts. */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

export interface PodIdentityTrustProps {
  /** Account the cluster runs in (aws:SourceAccount: EKS acting for another account is refused). */
  readonly accountId: string;
  /** ARN of the cluster whose pods may assume the role. */
  readonly clusterArn: string;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** The service account. */
  readonly serviceAccount: string;
}

/**
 * The trust policy of a Pod Identity role: EKS Pod Identity only, acting for this account
 * (aws:SourceAccount, against the confused deputy), and only for one service account of one
 * cluster. pods.eks.amazonaws.com sends no aws:SourceArn; what names the cluster, the namespace and
 * the service account are the session tags it adds to the AssumeRole request (eks-cluster-arn,
 * kubernetes-namespace, kubernetes-service-account), which sts:TagSession lets it set.
 */
export function podIdentityTrustPolicy(props: PodIdentityTrustProps): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: POD_IDENTITY_PRINCIPAL },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:SourceAccount": props.accountId,
            "aws:RequestTag/eks-cluster-arn": props.clusterArn,
            "aws:RequestTag/kubernetes-namespace": props.namespace,
            "aws:RequestTag/kubernetes-service-account": props.serviceAccount,
          },
        },
      },
    ],
  });
}

/** A permissions policy document. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** ARN of an AWS managed policy, partition-independent through the caller's partition token. */
export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/**
 * Read-only access to the given ECR repositories: list and describe tags (what Flux's image
 * reflector scans) and pull. GetAuthorizationToken has no resource-level permissions.
 */
export function ecrReadOnlyPolicy(repositoryArns: readonly string[]): string {
  return ecrPolicy("EcrRead", ECR_READ_ACTIONS, repositoryArns);
}

/**
 * Push and pull on the given ECR repositories, for a CI job that builds images: the layer upload
 * calls, PutImage, and the reads `docker push` makes first (which layers exist, the manifest).
 * GetAuthorizationToken (the login) has no resource-level permissions, so it alone is on "*".
 */
export function ecrPushPolicy(repositoryArns: readonly string[]): string {
  return ecrPolicy("EcrPushPull", [...ECR_READ_ACTIONS, ...ECR_WRITE_ACTIONS].sort(), repositoryArns);
}

/** Reading images: list and describe tags, pull. */
const ECR_READ_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:DescribeImages",
  "ecr:DescribeRepositories",
  "ecr:GetDownloadUrlForLayer",
  "ecr:ListImages",
] as const;

/** Pushing images: the layer upload calls and PutImage. */
const ECR_WRITE_ACTIONS = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"] as const;

/** The ECR login on "*" (it has no resource-level permissions) and `actions` on the given repositories only. */
function ecrPolicy(sid: string, actions: readonly string[], repositoryArns: readonly string[]): string {
  return policyDocument([
    { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    { Sid: sid, Effect: "Allow", Action: actions, Resource: repositoryArns },
  ]);
}

/**
 * The audience of the ID tokens GitLab CI presents to AWS (`id_tokens: <name>: aud:` in
 * .gitlab-ci.yml) and so the client ID of the IAM OIDC provider: the value AWS documents and this
 * project's own pipeline uses.
 */
export const STS_AUDIENCE = "sts.amazonaws.com";

/**
 * How IAM names an OIDC issuer in condition keys ("<issuer>:sub"): its URL without the scheme and
 * trailing slashes, e.g. gitlab.com, or gitlab.example.com/gitlab for an instance under a path.
 */
export function oidcConditionIssuer(issuerUrl: string): string {
  return issuerUrl.replace(/^https?:\/\//, "").replace(/\/+$/, "");
}

export interface GitLabOidcTrustProps {
  /** ARN of the account's IAM OIDC provider for the GitLab instance. */
  readonly providerArn: string;
  /** URL of the GitLab instance, the tokens' issuer, e.g. https://gitlab.com. */
  readonly issuerUrl: string;
  /**
   * The project whose CI jobs may assume the role, as group/project. IAM compares it
   * case-sensitively with the path GitLab puts in the token.
   */
  readonly projectPath: string;
  /** Branches whose jobs may assume the role; "*" among them allows any ref of the project (tags too). */
  readonly branches: readonly string[];
}

/**
 * A trust policy letting GitLab CI jobs of one project assume the role with their ID token
 * (`sts:AssumeRoleWithWebIdentity`). Without the sub condition any project on the instance,
 * anyone's on gitlab.com, could; GitLab's sub claim is
 * "project_path:<group>/<project>:ref_type:<branch|tag>:ref:<name>".
 */
export function gitlabOidcTrustPolicy(props: GitLabOidcTrustProps): string {
  const issuer = oidcConditionIssuer(props.issuerUrl);
  const audience = { [`${issuer}:aud`]: STS_AUDIENCE };
  const condition = props.branches.includes("*")
    ? { StringEquals: audience, StringLike: { [`${issuer}:sub`]: `project_path:${props.projectPath}:*` } }
    : {
        StringEquals: {
          ...audience,
          [`${issuer}:sub`]: [...new Set(props.branches)].map((branch) => `project_path:${props.projectPath}:ref_type:branch:ref:${branch}`),
        },
      };
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: props.providerArn }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
  });
}

/** The subject of a Kubernetes service account token: what IAM compares `<issuer>:sub` with. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

export interface ServiceAccountOidcTrustProps {
  /** ARN of the account's IAM OIDC provider for the cluster's service account issuer. */
  readonly providerArn: string;
  /**
   * The issuer as IAM names it in condition keys: its URL without `https://`, e.g.
   * oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE (usually a reference to the cluster's issuer).
   */
  readonly conditionIssuer: string;
  /** The service accounts whose tokens may assume the role, each by namespace and name. */
  readonly serviceAccounts: readonly { readonly namespace: string; readonly name: string }[];
}

/**
 * A trust policy letting Kubernetes service accounts of one cluster assume the role with a token
 * the cluster issued for them (IAM roles for service accounts, IRSA: `sts:AssumeRoleWithWebIdentity`).
 * StringEquals on `sub`, never StringLike: each service account is named exactly, so a token for
 * any other service account, in any other namespace, is refused; and on `aud`, so only a token
 * requested for STS is taken (Flux asks for sts.amazonaws.com, fluxcd/pkg auth/aws GetAudiences).
 */
export function serviceAccountOidcTrustPolicy(props: ServiceAccountOidcTrustProps): string {
  if (props.serviceAccounts.length === 0) throw new Error("serviceAccountOidcTrustPolicy: at least one service account");
  const subjects = [...new Set(props.serviceAccounts.map((sa) => serviceAccountSubject(sa.namespace, sa.name)))];
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: props.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${props.conditionIssuer}:aud`]: STS_AUDIENCE,
            [`${props.conditionIssuer}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
          },
        },
      },
    ],
  });
}
