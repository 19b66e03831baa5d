import { asList, blocks, parsePolicy, statements, textOf, type Finding, type PolicyContext, type PolicyRule, type ResourceView } from "../context";

const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/** Every permissions policy document a resource of the stack grants, with where it lives. */
function permissionDocuments(ctx: PolicyContext): { where: ResourceView; document: unknown }[] {
  return [
    ...ctx.ofType("aws_iam_role_policy").map((r) => ({ where: r, document: r.config.policy })),
    ...ctx.ofType("aws_iam_policy").map((r) => ({ where: r, document: r.config.policy })),
    ...ctx.ofType("aws_iam_user_policy").map((r) => ({ where: r, document: r.config.policy })),
    ...ctx.ofType("aws_iam_role").flatMap((r) => blocks(r.config.inline_policy).map((p) => ({ where: r, document: p.policy }))),
  ];
}

/** The managed policy ARNs attached to `role` (attachments and managed_policy_arns). */
function attachedPolicies(ctx: PolicyContext, role: ResourceView): string[] {
  return [
    ...ctx
      .ofType("aws_iam_role_policy_attachment")
      .filter((a) => ctx.refersTo(a.config.role, role))
      .map((a) => String(a.config.policy_arn)),
    ...asList<string>(role.config.managed_policy_arns).map(String),
  ];
}

/** Roles the node groups of the stack run as. */
function nodeRoles(ctx: PolicyContext): ResourceView[] {
  return ctx.ofType("aws_iam_role").filter((role) => ctx.ofType("aws_eks_node_group").some((g) => ctx.refersTo(g.config.node_role_arn, role)));
}

const isPolicy = (arn: string, name: string) => arn.endsWith(`:policy/${name}`);

/** Roles that EKS Pod Identity hands out: trusted by its principal, or named by an association. */
function podIdentityRoles(ctx: PolicyContext): ResourceView[] {
  const associationRoles = [
    ...ctx.ofType("aws_eks_pod_identity_association").map((a) => a.config.role_arn),
    ...ctx.ofType("aws_eks_addon").flatMap((a) => blocks(a.config.pod_identity_association).map((p) => p.role_arn)),
  ];
  return ctx
    .ofType("aws_iam_role")
    .filter((role) => textOf(role.config.assume_role_policy ?? "").includes(POD_IDENTITY_PRINCIPAL) || associationRoles.some((arn) => ctx.refersTo(arn, role)));
}

/** What is wrong with a Pod Identity role's trust policy, if anything. */
function podIdentityTrustProblem(trust: unknown): string | undefined {
  const document = parsePolicy(trust);
  if (!document) return "its trust policy is not a JSON document this policy can read";
  const allows = statements(document).filter((s) => s.Effect === "Allow");
  if (allows.length === 0) return "its trust policy allows nothing";
  for (const s of allows) {
    const principal = s.Principal as Record<string, unknown> | string | undefined;
    const services = typeof principal === "object" && principal !== null ? asList<string>(principal.Service) : [];
    const others = typeof principal === "object" && principal !== null ? Object.keys(principal).filter((k) => k !== "Service") : ["*"];
    if (others.length > 0 || services.length !== 1 || services[0] !== POD_IDENTITY_PRINCIPAL) {
      return `its trust policy lets ${JSON.stringify(principal)} assume it, not only ${POD_IDENTITY_PRINCIPAL}`;
    }
    const equals = ((s.Condition as { StringEquals?: unknown } | undefined)?.StringEquals ?? {}) as Record<string, unknown>;
    const missing = ["aws:SourceAccount", "aws:RequestTag/eks-cluster-arn"].filter((key) => equals[key] === undefined);
    if (missing.length > 0) return `its trust policy has no StringEquals condition on ${missing.join(" or ")}`;
  }
  return undefined;
}

/** IAM OIDC providers of a cluster's service account issuer (their URL refers to an EKS cluster). */
function clusterOidcProviders(ctx: PolicyContext): ResourceView[] {
  return ctx.ofType("aws_iam_openid_connect_provider").filter((p) => ctx.referenced(p.config.url, "aws_eks_cluster").length > 0);
}

/** A service account's subject, named exactly: no IAM wildcard can hide in it. */
const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([a-z0-9.-]*[a-z0-9])?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/** What is wrong with a statement that trusts a cluster's service account tokens, if anything. */
function serviceAccountTrustProblem(statement: Record<string, unknown>): string | undefined {
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  const loose = Object.entries(condition).filter(([operator, keys]) => operator !== "StringEquals" && Object.keys(keys).some((k) => /:(sub|aud)$/.test(k)));
  if (loose.length > 0) return `its trust matches the token's sub or aud with ${loose.map(([operator]) => operator).join(", ")}, not StringEquals`;
  const equals = condition.StringEquals ?? {};
  const sub = Object.entries(equals).filter(([k]) => k.endsWith(":sub"));
  const aud = Object.entries(equals).filter(([k]) => k.endsWith(":aud"));
  if (sub.length !== 1) return "its trust has no StringEquals condition on the token's sub (any service account of the cluster could assume it)";
  const subjects = asList<string>(sub[0][1]).map(String);
  const loosely = subjects.filter((subject) => !SERVICE_ACCOUNT_SUBJECT.test(subject));
  if (subjects.length === 0 || loosely.length > 0) return `its trust's sub ${JSON.stringify(loosely)} does not name one service account exactly`;
  if (aud.length !== 1 || textOf(aud[0][1]) !== "sts.amazonaws.com") return "its trust has no StringEquals condition aud = sts.amazonaws.com";
  if (sub[0][0].slice(0, -":sub".length) !== aud[0][0].slice(0, -":aud".length)) return "its trust's sub and aud conditions name different issuers";
  return undefined;
}

export const IAM_RULES: readonly PolicyRule[] = [
  {
    id: "CKV_AWS_62",
    title: "no '*' action on '*' resource",
    fix: "grant the actions the role needs on the resources it needs them on",
    check: (ctx) => {
      const findings: Finding[] = [];
      for (const { where, document } of permissionDocuments(ctx)) {
        const admin = statements(parsePolicy(document)).some((s) => s.Effect === "Allow" && asList(s.Action).includes("*") && asList(s.Resource).includes("*"));
        if (admin) findings.push({ node: where.construct, detail: "a policy allows every action on every resource" });
      }
      for (const role of ctx.ofType("aws_iam_role")) {
        if (attachedPolicies(ctx, role).some((arn) => isPolicy(arn, "AdministratorAccess"))) {
          findings.push({ node: role.construct, detail: "the role has AdministratorAccess (every action on every resource)" });
        }
      }
      return findings;
    },
  },
  {
    id: "EFG_POD_IDENTITY_TRUST",
    title: "Pod Identity roles trusted only by EKS Pod Identity for this account and cluster",
    fix: `trust only ${POD_IDENTITY_PRINCIPAL} with StringEquals conditions on aws:SourceAccount and aws:RequestTag/eks-cluster-arn (PodIdentityRole does)`,
    check: (ctx) =>
      podIdentityRoles(ctx).flatMap((role) => {
        const problem = podIdentityTrustProblem(role.config.assume_role_policy);
        return problem ? [{ node: role.construct, detail: problem }] : [];
      }),
  },
  {
    id: "EFG_SERVICE_ACCOUNT_TRUST",
    title: "roles for a cluster's service accounts (IRSA) trusted only by named service accounts",
    fix: "trust the cluster's OIDC provider with StringEquals on <issuer>:sub = system:serviceaccount:<namespace>:<name> and <issuer>:aud = sts.amazonaws.com (IrsaRole does)",
    check: (ctx) => {
      const providers = clusterOidcProviders(ctx);
      if (providers.length === 0) return [];
      return ctx.ofType("aws_iam_role").flatMap((role) => {
        const trusting = statements(parsePolicy(role.config.assume_role_policy)).filter(
          (s) => s.Effect === "Allow" && providers.some((p) => ctx.refersTo(textOf((s.Principal as Record<string, unknown> | undefined)?.Federated), p)),
        );
        return trusting.flatMap((s) => {
          const problem = serviceAccountTrustProblem(s);
          return problem ? [{ node: role.construct, detail: problem }] : [];
        });
      });
    },
  },
  {
    id: "EFG_NODE_ECR_PULL_ONLY",
    title: "nodes pull from ECR with AmazonEC2ContainerRegistryPullOnly",
    fix: "attach AmazonEC2ContainerRegistryPullOnly to the node role instead of AmazonEC2ContainerRegistryReadOnly (ManagedNodeGroup does)",
    check: (ctx) =>
      nodeRoles(ctx).flatMap((role) => {
        const arns = attachedPolicies(ctx, role);
        const broad = arns.filter((arn) =>
          ["AmazonEC2ContainerRegistryReadOnly", "AmazonEC2ContainerRegistryPowerUser", "AmazonEC2ContainerRegistryFullAccess"].some((n) => isPolicy(arn, n)),
        );
        if (broad.length > 0)
          return [{ node: role.construct, detail: `the node role has ${broad.map((a) => a.split("/").pop()).join(", ")}, more than pulling images needs` }];
        if (!arns.some((arn) => isPolicy(arn, "AmazonEC2ContainerRegistryPullOnly"))) {
          return [{ node: role.construct, detail: "the node role lacks AmazonEC2ContainerRegistryPullOnly (nodes could not pull from ECR)" }];
        }
        return [];
      }),
  },
  {
    id: "EFG_VPC_CNI_POD_IDENTITY",
    title: "VPC CNI on its own Pod Identity role, not the node role",
    fix: "give the vpc-cni add-on a pod_identity_association for aws-node with AmazonEKS_CNI_Policy, and detach that policy from the node role",
    check: (ctx) => [
      ...nodeRoles(ctx)
        .filter((role) => attachedPolicies(ctx, role).some((arn) => isPolicy(arn, "AmazonEKS_CNI_Policy")))
        .map((role) => ({
          node: role.construct,
          detail: "the node role has AmazonEKS_CNI_Policy, so every pod on the node can change its network interfaces",
        })),
      ...ctx
        .ofType("aws_eks_addon")
        .filter((a) => a.config.addon_name === "vpc-cni")
        .filter((a) => !blocks(a.config.pod_identity_association).some((p) => p.service_account === "aws-node"))
        .map((a) => ({ node: a.construct, detail: "the vpc-cni add-on has no Pod Identity association for aws-node" })),
    ],
  },
];
