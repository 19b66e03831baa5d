import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface ClusterDnsProps {
  /** The public hosted zone the hosts are names of, e.g. "apps.example.com". */
  readonly zoneName: string;
  /**
   * Its id, when the account holds several public zones of that name.
   * @default - looked up by zoneName
   */
  readonly zoneId?: string;
  /** The hosts the certificate is for (the exposed apps'), in settings order; none: no certificate. */
  readonly hosts: readonly string[];
}

/**
 * A cluster's DNS zone and the certificate of its exposed hosts: one ACM certificate for every host
 * (the first its domain name, the others its alternative names), validated by DNS records Terraform
 * writes in the zone, so that the load balancer serves each host over HTTPS from the first deploy.
 * ExternalDNS writes the hosts' own records (stacks/addons/external-dns.ts).
 */
export class ClusterDns extends Construct {
  /** The zone's id (Z...), known at plan when given, else read from Route53. */
  readonly zoneId: string;
  /** The zone's ARN, which the ExternalDNS role may change records in. */
  readonly zoneArn: string;
  /** The certificate's ARN once ACM has issued it (the Ingresses wait for that); undefined with no host. */
  readonly certificateArn?: string;

  constructor(scope: Construct, id: string, props: ClusterDnsProps) {
    super(scope, id);
    const zone = new DataAwsRoute53Zone(this, "zone", props.zoneId ? { zoneId: props.zoneId } : { name: props.zoneName, privateZone: false });
    this.zoneId = zone.zoneId;
    this.zoneArn = zone.arn;
    if (props.hosts.length === 0) return;

    const [domainName, ...alternatives] = props.hosts;
    const certificate = new AcmCertificate(this, "certificate", {
      domainName,
      subjectAlternativeNames: alternatives.length > 0 ? alternatives : undefined,
      validationMethod: "DNS",
      // Public certificates are logged in Certificate Transparency (browsers require it).
      options: { certificateTransparencyLoggingPreference: "ENABLED" },
      // A changed host list replaces the certificate: the new one is issued before the old one goes.
      lifecycle: { createBeforeDestroy: true },
    });
    // One record per host, keyed by the host (known at synth): a for_each over
    // domain_validation_options would key on values unknown until ACM answers (hashicorp/terraform-cdk#3627).
    const options = `aws_acm_certificate.${certificate.friendlyUniqueId}.domain_validation_options`;
    const option = (host: string, attribute: string) => `\${one([for o in ${options} : o.${attribute} if o.domain_name == "${host}"])}`;
    const records = props.hosts.map(
      (host) =>
        new Route53Record(this, `validation-${host}`, {
          zoneId: this.zoneId,
          name: option(host, "resource_record_name"),
          type: option(host, "resource_record_type"),
          records: [option(host, "resource_record_value")],
          ttl: 60,
          // A certificate replaced for a new host list has the same validation record for a host it keeps.
          allowOverwrite: true,
          dependsOn: [certificate],
        }),
    );
    this.certificateArn = new AcmCertificateValidation(this, "validated", {
      certificateArn: certificate.arn,
      validationRecordFqdns: records.map((r) => r.fqdn),
    }).certificateArn;
  }
}
