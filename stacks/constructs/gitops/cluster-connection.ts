import { Fn } from "cdktf";

/** Where an EKS cluster is and how to reach it (usually cross-stack references to the cluster stack). */
export interface EksClusterConnectionProps {
  /** EKS cluster name, for `aws eks get-token`. */
  readonly clusterName: string;
  /** AWS region of the cluster. */
  readonly region: string;
  /** Kubernetes API endpoint (https URL). */
  readonly clusterEndpoint: string;
  /** Base64-encoded PEM of the cluster CA, as EKS returns it. */
  readonly clusterCaData: string;
}

/** An exec credential plugin, as the Flux and Kubernetes providers take it. */
export interface ExecCredential {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: string[];
}

/** The connection settings shared by every provider that talks to the cluster. */
export interface EksClusterConnection {
  readonly host: string;
  /** PEM of the cluster CA (a Terraform expression decoding the EKS value). */
  readonly clusterCaCertificate: string;
  readonly exec: ExecCredential;
}

/**
 * How the Flux provider and the Kubernetes provider reach an EKS cluster: the endpoint, its CA, and
 * a token from `aws eks get-token` with the deploying identity's AWS credentials (its access entry
 * is the cluster stack's business). One definition, so both providers always authenticate alike.
 *
 * A token from a data source expires after 15 minutes, which a slow bootstrap outlives; exec
 * fetches a fresh one whenever a provider needs it. The Kubernetes provider takes `exec` as a
 * one-element list (`[connection.exec]`), the Flux provider as a block.
 */
export function eksClusterConnection(props: EksClusterConnectionProps): EksClusterConnection {
  return {
    host: props.clusterEndpoint,
    clusterCaCertificate: Fn.base64decode(props.clusterCaData),
    exec: {
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", props.clusterName, "--region", props.region],
    },
  };
}
