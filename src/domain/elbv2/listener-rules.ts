// What a listener may be and forward to (aws-neighbors.md §1.8, §1.1): its protocol fits the
// load balancer's type, and each target group it forwards to is in the load balancer's VPC,
// speaks a protocol that type forwards, and serves no other load balancer. Pure.
import { elbErrors } from "./errors.js";
import type { LoadBalancerRecord, TargetGroupRecord } from "./records.js";

export type ListenerProtocol = "HTTP" | "TCP";

export function checkListenerProtocol(lb: Pick<LoadBalancerRecord, "Type">, protocol: string | undefined): ListenerProtocol {
  if (protocol === undefined) throw elbErrors.validation("A listener protocol must be specified");
  const wanted = lb.Type === "application" ? "HTTP" : "TCP";
  if (protocol === wanted) return wanted;
  const kind = lb.Type === "application" ? "application" : "network";
  if ((lb.Type === "application" && protocol === "HTTPS") || (lb.Type === "network" && ["TLS", "UDP", "TCP_UDP"].includes(protocol))) {
    throw elbErrors.unsupportedProtocol(`Listener protocol '${protocol}' is not supported by berth's ${kind} load balancers; use '${wanted}'`);
  }
  throw elbErrors.unsupportedProtocol(`Protocol '${protocol}' is not supported for ${kind} load balancers; use '${wanted}'`);
}

/** The target group protocols each load balancer type forwards to. */
const FORWARDS: Record<LoadBalancerRecord["Type"], string[]> = {
  application: ["HTTP", "HTTPS"],
  network: ["TCP", "TLS", "UDP", "TCP_UDP"],
};

/** `servedBy`: the load balancers the group serves now (its listeners' and rules' owners). */
export function checkTargetGroupFits(lb: Pick<LoadBalancerRecord, "LoadBalancerArn" | "Type" | "VpcId">, tg: TargetGroupRecord, servedBy: ReadonlySet<string> | undefined): void {
  if (!FORWARDS[lb.Type].includes(tg.Protocol)) {
    throw elbErrors.incompatibleProtocols(
      `Target group '${tg.TargetGroupArn}' has protocol '${tg.Protocol}', which ${lb.Type === "application" ? "an application" : "a network"} load balancer cannot forward to`,
    );
  }
  if (tg.VpcId !== lb.VpcId) {
    throw elbErrors.invalidConfiguration(`Target group '${tg.TargetGroupArn}' is in VPC '${tg.VpcId}', not in the load balancer's VPC '${lb.VpcId}'`);
  }
  if ([...(servedBy ?? [])].some((arn) => arn !== lb.LoadBalancerArn)) throw elbErrors.associationLimit([tg.TargetGroupArn]);
}
