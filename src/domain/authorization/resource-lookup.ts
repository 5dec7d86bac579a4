// What a request's input alone cannot say about the resources it names, read from the cache:
// the revision a bare task definition family stands for, a secret's full ARN, Cloud Map ids
// behind the names DiscoverInstances takes, an IAM entity's path. Reads only.
import type { Scope } from "../../model/index.js";
import type { Deps } from "../deps.js";
import { findTaskDefinition } from "../task-definitions.js";
import { keys } from "../keys.js";
import type { ResourceLookup } from "../iam-policy/index.js";
import { findSecret } from "../secretsmanager/lookup.js";
import { discovery } from "../servicediscovery/index.js";
import { findRole, findUser } from "../iam/lookup.js";

interface FamilyRecord {
  lastRevision: number;
}

export function resourceLookup(deps: Deps, scope: Scope): ResourceLookup {
  return {
    taskDefinitionRevision(family, which) {
      if (which === "next") {
        const fam = deps.cache.get<FamilyRecord>(keys.family(scope, family));
        return (fam?.lastRevision ?? 0) + 1;
      }
      return findTaskDefinition(deps, scope, family)?.revision;
    },
    secretArn(secretId) {
      return findSecret(deps, scope, secretId)?.ARN;
    },
    cloudMapIds(namespaceName, serviceName) {
      try {
        const { ns, service } = discovery.lookupService(deps, scope, namespaceName, serviceName);
        return { namespaceId: ns.Id, serviceId: service.Id };
      } catch {
        return undefined;
      }
    },
    iamPath(kind, name) {
      const entity = kind === "user" ? findUser(deps, scope.accountId, name) : findRole(deps, scope.accountId, name);
      return entity?.Path;
    },
  };
}
