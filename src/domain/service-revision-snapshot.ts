// A service revision (ECS's ServiceRevision): what one deployment runs — the task definition, the
// launch settings and the environment's resources — frozen when the deployment starts, so that
// DescribeServiceRevisions answers for it after the service has moved on. The deployment record
// keeps it (DeploymentRecord.revision); a rollback reuses its target's.

export interface RevisionSnapshot {
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider: string; base: number; weight: number }[];
  platformVersion?: string;
  platformFamily?: string;
  loadBalancers: unknown[];
  serviceRegistries: unknown[];
  networkConfiguration?: unknown;
}

/** The revision a deployment of `s` starts now: the service's settings as they stand. */
/** (The service record's fields, spelled out: service-records.ts imports this file.) */
export function revisionOf(s: Partial<RevisionSnapshot> & { loadBalancers: unknown[]; serviceRegistries: unknown[] }): RevisionSnapshot {
  return {
    ...(s.capacityProviderStrategy?.length ? { capacityProviderStrategy: s.capacityProviderStrategy } : { launchType: s.launchType ?? "EC2" }),
    ...(s.platformVersion ? { platformVersion: s.platformVersion } : {}),
    ...(s.platformFamily ? { platformFamily: s.platformFamily } : {}),
    loadBalancers: s.loadBalancers ?? [],
    serviceRegistries: s.serviceRegistries ?? [],
    ...(s.networkConfiguration ? { networkConfiguration: s.networkConfiguration } : {}),
  };
}
