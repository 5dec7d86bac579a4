// env and envFrom (Kubernetes) → environment and secrets (ECS).
//
// Literal values go to `environment`. A Secret key becomes an ECS secret read from Secrets
// Manager at task start (by JSON key), so its value never lands in the task definition. A
// ConfigMap key is copied as a literal when the ConfigMap is part of the input (it is plain
// configuration), and otherwise read from the SSM parameter /CONFIGMAP/KEY. Kubernetes lets
// `env` override `envFrom`; the same order is kept here.

import type { KeyValuePair, Secret } from "@aws-sdk/client-ecs";
import type { EcsContext } from "./ecs-context.js";
import type { Container } from "./k8s-types.js";
import { configMapKeyArn, secretKeyArn } from "./options.js";
import type { Reporter } from "./report.js";

type Entry = { kind: "env"; value: string } | { kind: "secret"; valueFrom: string };

export interface EcsEnvironment {
  environment: KeyValuePair[];
  secrets: Secret[];
}

/** `r` is positioned at the container. */
export function envToEcs(c: Container, ctx: EcsContext, r: Reporter): EcsEnvironment {
  const entries = new Map<string, Entry>();
  const set = (name: string, entry: Entry) => {
    entries.delete(name); // a later definition wins, and takes the later position
    entries.set(name, entry);
  };

  (c.envFrom ?? []).forEach((src, i) => envFromToEcs(src, ctx, r.child(`envFrom[${i}]`), set));

  (c.env ?? []).forEach((e, i) => {
    const er = r.child(`env[${i}]`);
    if (e.valueFrom === undefined) {
      const value = e.value ?? "";
      if (value.includes("$(")) {
        er.approximated("value", `Kubernetes expands $(VAR) references in '${e.name}'; ECS passes the text unchanged`);
      }
      set(e.name, { kind: "env", value });
      return;
    }
    const { secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef } = e.valueFrom;
    if (secretKeyRef?.name && secretKeyRef.key) {
      set(e.name, { kind: "secret", valueFrom: secretKeyArn(ctx.options, secretKeyRef.name, secretKeyRef.key) });
      if (secretKeyRef.optional) {
        er.approximated("valueFrom.secretKeyRef.optional", "ECS fails to start the task when a secret is missing; it has no optional secrets");
      }
    } else if (configMapKeyRef?.name && configMapKeyRef.key) {
      const data = ctx.configMaps.get(configMapKeyRef.name);
      const value = data?.[configMapKeyRef.key];
      if (value !== undefined) {
        set(e.name, { kind: "env", value });
        er.info("valueFrom.configMapKeyRef", `copied from ConfigMap ${configMapKeyRef.name} at translation time; later edits to the ConfigMap need a new task definition revision`);
      } else if (data !== undefined) {
        er.unmapped("valueFrom.configMapKeyRef", `ConfigMap ${configMapKeyRef.name} has no key '${configMapKeyRef.key}'`);
      } else {
        set(e.name, { kind: "secret", valueFrom: configMapKeyArn(ctx.options, configMapKeyRef.name, configMapKeyRef.key) });
        er.info("valueFrom.configMapKeyRef", `ConfigMap ${configMapKeyRef.name} is not in the input; the value is read from SSM parameter /${configMapKeyRef.name}/${configMapKeyRef.key} when the task starts`);
      }
    } else if (fieldRef) {
      er.unmapped("valueFrom.fieldRef", `ECS has no downward API for '${fieldRef.fieldPath ?? ""}'; a container reads its task's details from the task metadata endpoint (ECS_CONTAINER_METADATA_URI_V4)`);
    } else if (resourceFieldRef) {
      er.unmapped("valueFrom.resourceFieldRef", `ECS has no downward API for '${resourceFieldRef.resource ?? ""}'; the task metadata endpoint reports the task's limits`);
    } else {
      er.unmapped("valueFrom", "the reference names no Secret or ConfigMap key");
    }
  });

  const environment: KeyValuePair[] = [];
  const secrets: Secret[] = [];
  for (const [name, entry] of entries) {
    if (entry.kind === "env") environment.push({ name, value: entry.value });
    else secrets.push({ name, valueFrom: entry.valueFrom });
  }
  return { environment, secrets };
}

function envFromToEcs(
  src: NonNullable<Container["envFrom"]>[number],
  ctx: EcsContext,
  r: Reporter,
  set: (name: string, entry: Entry) => void,
): void {
  const prefix = src.prefix ?? "";
  if (src.configMapRef?.name) {
    const name = src.configMapRef.name;
    const data = ctx.configMaps.get(name);
    if (!data) {
      r.unmapped("configMapRef", `ConfigMap ${name} is not in the input, so its keys are unknown; ECS has no "all keys of" reference (its nearest is environmentFiles, .env files in S3)`);
      return;
    }
    for (const [key, value] of Object.entries(data)) set(prefix + key, { kind: "env", value });
    r.info("configMapRef", `the ${Object.keys(data).length} keys of ConfigMap ${name} were copied at translation time`);
  } else if (src.secretRef?.name) {
    const name = src.secretRef.name;
    const keys = ctx.secrets.get(name);
    if (!keys) {
      r.unmapped("secretRef", `Secret ${name} is not in the input, so its keys are unknown; ECS needs one secrets entry per variable`);
      return;
    }
    for (const key of keys) set(prefix + key, { kind: "secret", valueFrom: secretKeyArn(ctx.options, name, key) });
    r.info("secretRef", `each of the ${keys.length} keys of Secret ${name} is read from Secrets Manager secret ${name} by JSON key`);
  } else {
    r.unmapped("", "the envFrom entry names neither a ConfigMap nor a Secret");
  }
}
