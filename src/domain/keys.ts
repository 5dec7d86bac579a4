// Where each resource lives in the store. Every key starts with the account and region, so
// accounts and regions are separate worlds, as in AWS, and a reset is one prefix delete.
import type { Scope } from "../model/index.js";

export const ROOT = "/berth/";

const pad = (n: number) => n.toString().padStart(7, "0");

export const scopePrefix = (s: Scope) => `${ROOT}${s.accountId}/${s.region}/`;

export const keys = {
  clusters: (s: Scope) => `${scopePrefix(s)}clusters/`,
  cluster: (s: Scope, name: string) => `${scopePrefix(s)}clusters/${name}`,
  families: (s: Scope) => `${scopePrefix(s)}families/`,
  family: (s: Scope, family: string) => `${scopePrefix(s)}families/${family}`,
  taskDefinitions: (s: Scope) => `${scopePrefix(s)}taskdefs/`,
  // Revisions are zero-padded so key order is numeric order within a family; the trailing
  // slash on the family keeps `web` from matching `web-api`.
  familyRevisions: (s: Scope, family: string) => `${scopePrefix(s)}taskdefs/${family}/`,
  taskDefinition: (s: Scope, family: string, revision: number) => `${scopePrefix(s)}taskdefs/${family}/${pad(revision)}`,
  instances: (s: Scope, cluster: string) => `${scopePrefix(s)}instances/${cluster}/`,
  instance: (s: Scope, cluster: string, id: string) => `${scopePrefix(s)}instances/${cluster}/${id}`,
  tasks: (s: Scope, cluster: string) => `${scopePrefix(s)}tasks/${cluster}/`,
  task: (s: Scope, cluster: string, id: string) => `${scopePrefix(s)}tasks/${cluster}/${id}`,
  services: (s: Scope, cluster: string) => `${scopePrefix(s)}services/${cluster}/`,
  service: (s: Scope, cluster: string, name: string) => `${scopePrefix(s)}services/${cluster}/${name}`,
  // A service's decision log and events: one key per entry under these prefixes (record-log.ts).
  // The trailing slash keeps `web` from matching `web-api`.
  decisions: (s: Scope, cluster: string, name: string) => `${scopePrefix(s)}decisions/${cluster}/${name}/`,
  serviceEvents: (s: Scope, cluster: string, name: string) => `${scopePrefix(s)}service-events/${cluster}/${name}/`,
  capacityProviders: (s: Scope) => `${scopePrefix(s)}capacity-providers/`,
  capacityProvider: (s: Scope, name: string) => `${scopePrefix(s)}capacity-providers/${name}`,
  accountSettings: (s: Scope) => `${scopePrefix(s)}account-settings/`,
  accountSetting: (s: Scope, principal: string, name: string) =>
    `${scopePrefix(s)}account-settings/${encodeURIComponent(principal)}/${name}`,
};

/** Which kind of record a key holds, from its path: "clusters", "taskdefs", ... */
export function kindOf(key: string): string | undefined {
  // /berth/<account>/<region>/<kind>/...
  return key.split("/")[4];
}

export function scopeOfKey(key: string): string {
  const parts = key.split("/");
  return `${parts[2]}/${parts[3]}`;
}
