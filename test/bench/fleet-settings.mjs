// The fleet `npm run bench -- --fleet` synthesizes beside one cluster: the committed cluster,
// repeated `clusters` times with `apps` apps each (names, ECR repositories and network ranges
// made unique), the rest of the settings as committed. Plain data for the settings schema, which
// synth validates as it would a user's.

/** Settings of `clusters` clusters with `apps` apps each, derived from the committed `settings`. */
export function fleetSettings(settings, clusters = 10, apps = 10) {
  const [base] = settings.clusters;
  const app = base.apps[0];
  return {
    ...settings,
    clusters: Array.from({ length: clusters }, (_, c) => ({
      ...base,
      name: `fleet-${c}`,
      network: {
        ...base.network,
        vpcCidr: `10.${c}.0.0/16`,
        publicSubnets: base.network.publicSubnets.map((cidr) => cidr.replace(/^10\.0\./, `10.${c}.`)),
        privateSubnets: base.network.privateSubnets.map((cidr) => cidr.replace(/^10\.0\./, `10.${c}.`)),
      },
      apps: Array.from({ length: apps }, (_, a) => ({ ...app, name: `app-${a}`, ecr: { ...app.ecr, repositoryName: `fleet-${c}-app-${a}` } })),
    })),
  };
}
