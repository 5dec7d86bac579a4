// One key per load balancer name and per target group name in a region, holding the ARN: the
// create that takes a name guards its key to be absent, so two concurrent creates of one name
// cannot both succeed. Deleting the resource frees the name in the same commit.
import type { Scope } from "../../model/index.js";
import { scopePrefix } from "../keys.js";

export const nameKeys = {
  loadBalancer: (s: Scope, name: string) => `${scopePrefix(s)}elb-names/loadbalancer/${name}`,
  targetGroup: (s: Scope, name: string) => `${scopePrefix(s)}elb-names/targetgroup/${name}`,
};
