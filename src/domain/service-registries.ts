// CreateService's and UpdateService's serviceRegistries, checked as ECS checks them against the
// task definition and the Cloud Map service the registry names. Quoted messages are ECS's as
// observed (aws-neighbors.md §2.9); the others are berth's, in the same form.
import type { ServiceRegistry } from "@aws-sdk/client-ecs";
import { invalidParameter, type Scope } from "../model/index.js";
import type { Deps } from "./deps.js";
import type { TaskDefinitionRecord } from "./records.js";
import { sdArns, sdKeys, type ServiceRecord as CloudMapService } from "./servicediscovery/records.js";

const REGISTRY_ARN = /^arn:[^:]+:servicediscovery:[^:]+:\d{12}:service\/(srv-[a-z0-9]+)$/;

export function checkServiceRegistries(deps: Deps, scope: Scope, registries: ServiceRegistry[] | undefined, td: TaskDefinitionRecord): void {
  if (!registries || registries.length === 0) return;
  if (registries.length > 1) {
    throw invalidParameter(`Invalid parameter 'serviceRegistries': a service can have at most one service registry, found ${registries.length}.`);
  }
  const r = registries[0]!;
  const arn = r.registryArn ?? "";
  const id = REGISTRY_ARN.exec(arn)?.[1];
  if (!id) throw invalidParameter(`Invalid parameter 'serviceRegistries[0].registryArn': '${arn.slice(0, 300)}' is not the ARN of a Cloud Map service (arn:aws:servicediscovery:<region>:<account>:service/srv-...).`);
  const target = deps.cache.get<CloudMapService>(sdKeys.service(scope, id));
  if (!target || sdArns.service(scope, id) !== arn) {
    throw invalidParameter(`Invalid parameter 'serviceRegistries[0].registryArn': the Cloud Map service ${arn} does not exist.`);
  }
  const srv = !!target.DnsConfig?.DnsRecords.some((d) => d.Type === "SRV");
  const mode = td.networkMode ?? "bridge";
  if (r.port !== undefined && (r.containerName !== undefined || r.containerPort !== undefined)) {
    throw invalidParameter("Invalid parameter 'serviceRegistries[0]': specify either port or containerName and containerPort, not both.");
  }
  if ((r.containerName === undefined) !== (r.containerPort === undefined)) {
    throw invalidParameter("Invalid parameter 'serviceRegistries[0]': containerName and containerPort go together.");
  }
  if (r.containerName !== undefined) {
    const container = (td.containerDefinitions ?? []).find((c) => c.name === r.containerName);
    if (!container) throw invalidParameter(`Invalid parameter 'serviceRegistries[0].containerName': '${r.containerName}' is not a container of ${td.family}:${td.revision}.`);
    if (!(container.portMappings ?? []).some((p) => p.containerPort === r.containerPort)) {
      throw invalidParameter(`Invalid parameter 'serviceRegistries[0].containerPort': ${r.containerPort} is not a port mapping of container '${r.containerName}'.`);
    }
  }
  if (mode === "bridge" || mode === "host") {
    if (r.containerName === undefined) {
      throw invalidParameter(`When specifying 'host' or 'bridge' for networkMode, values for 'containerName' and 'containerPort' must be specified from the task definition. Registry: ${arn}`);
    }
    if (!srv) throw invalidParameter(`Invalid parameter 'serviceRegistries[0]': with 'host' or 'bridge' networkMode the Cloud Map service needs an SRV record. Registry: ${arn}`);
    return;
  }
  if (!srv && r.port !== undefined) throw invalidParameter("A port was provided but is not required by the specified service registry");
  if (!srv && r.containerPort !== undefined) {
    throw invalidParameter("The values specified for serviceRegistries do not require a value for 'containerPort'. Remove the value and retry.");
  }
  if (srv && r.port === undefined && r.containerName === undefined) {
    throw invalidParameter(`Invalid parameter 'serviceRegistries[0]': the Cloud Map service has an SRV record; specify port, or containerName and containerPort. Registry: ${arn}`);
  }
}
