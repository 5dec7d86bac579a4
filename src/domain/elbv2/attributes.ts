// Load balancer and target group attributes: every key with its default (aws-neighbors.md §1.4),
// and what each accepts. Values are strings, as on the wire. Describe and Modify answer the full
// set. Pure.
import { elbErrors } from "./errors.js";

export interface Attribute {
  Key?: string;
  Value?: string;
}

type Check = (value: string) => string | undefined;

const bool: Check = (v) => (v === "true" || v === "false" ? undefined : "must be 'true' or 'false'");
const range =
  (lo: number, hi: number): Check =>
  (v) =>
    /^\d+$/.test(v) && Number(v) >= lo && Number(v) <= hi ? undefined : `must be between '${lo}-${hi}' inclusive`;
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v) ? undefined : `must be one of ${values.map((x) => `'${x}'`).join(", ")}`;
const any: Check = () => undefined;
const either =
  (a: Check, b: Check): Check =>
  (v) =>
    a(v) === undefined || b(v) === undefined ? undefined : (b(v) ?? a(v));

interface Spec {
  value: string;
  check: Check;
}

const spec = (value: string, check: Check): Spec => ({ value, check });

// Both target group kinds.
const commonTg: Record<string, Spec> = {
  "deregistration_delay.timeout_seconds": spec("300", range(0, 3600)),
  "stickiness.enabled": spec("false", bool),
  "load_balancing.cross_zone.enabled": spec("use_load_balancer_configuration", oneOf("true", "false", "use_load_balancer_configuration")),
  "target_group_health.dns_failover.minimum_healthy_targets.count": spec("1", either(oneOf("off"), range(1, 1000))),
  "target_group_health.dns_failover.minimum_healthy_targets.percentage": spec("off", either(oneOf("off"), range(1, 100))),
  "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count": spec("1", range(1, 1000)),
  "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": spec("off", either(oneOf("off"), range(1, 100))),
};

const httpTg: Record<string, Spec> = {
  ...commonTg,
  "stickiness.type": spec("lb_cookie", oneOf("lb_cookie", "app_cookie")),
  "stickiness.lb_cookie.duration_seconds": spec("86400", range(1, 604800)),
  "stickiness.app_cookie.cookie_name": spec("", any),
  "stickiness.app_cookie.duration_seconds": spec("86400", range(1, 604800)),
  // 0 is off; otherwise 30–900 s.
  "slow_start.duration_seconds": spec("0", either(oneOf("0"), range(30, 900))),
  // weighted_random is accepted as on AWS; the controller serves it round robin (docs/design.md).
  "load_balancing.algorithm.type": spec("round_robin", oneOf("round_robin", "least_outstanding_requests", "weighted_random")),
  "load_balancing.algorithm.anomaly_mitigation": spec("off", oneOf("off", "on")),
};

const tcpTg = (targetType: string): Record<string, Spec> => ({
  ...commonTg,
  "stickiness.type": spec("source_ip", oneOf("source_ip")),
  "deregistration_delay.connection_termination.enabled": spec("false", bool),
  // NLB: ip targets behind TCP see the load balancer's address by default, instance targets the client's.
  "preserve_client_ip.enabled": spec(targetType === "ip" ? "false" : "true", bool),
  "proxy_protocol_v2.enabled": spec("false", oneOf("false")),
  "target_health_state.unhealthy.connection_termination.enabled": spec("true", bool),
  "target_health_state.unhealthy.draining_interval_seconds": spec("0", range(0, 360000)),
});

const albAttributes: Record<string, Spec> = {
  "deletion_protection.enabled": spec("false", bool),
  "idle_timeout.timeout_seconds": spec("60", range(1, 4000)),
  "client_keep_alive.seconds": spec("3600", range(60, 604800)),
  "routing.http2.enabled": spec("true", bool),
  "routing.http.drop_invalid_header_fields.enabled": spec("false", bool),
  "routing.http.desync_mitigation_mode": spec("defensive", oneOf("monitor", "defensive", "strictest")),
  "routing.http.xff_header_processing.mode": spec("append", oneOf("append", "preserve", "remove")),
  "routing.http.xff_client_port.enabled": spec("false", bool),
  "routing.http.preserve_host_header.enabled": spec("false", bool),
  "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": spec("false", bool),
  "access_logs.s3.enabled": spec("false", oneOf("false")),
  "access_logs.s3.bucket": spec("", any),
  "access_logs.s3.prefix": spec("", any),
  "load_balancing.cross_zone.enabled": spec("true", oneOf("true")),
  "waf.fail_open.enabled": spec("false", bool),
};

const nlbAttributes: Record<string, Spec> = {
  "deletion_protection.enabled": spec("false", bool),
  "access_logs.s3.enabled": spec("false", oneOf("false")),
  "access_logs.s3.bucket": spec("", any),
  "access_logs.s3.prefix": spec("", any),
  "load_balancing.cross_zone.enabled": spec("false", bool),
  "dns_record.client_routing_policy": spec("any_availability_zone", oneOf("availability_zone_affinity", "partial_availability_zone_affinity", "any_availability_zone")),
};

const defaultsOf = (specs: Record<string, Spec>) => Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.value]));

export const targetGroupAttributeSpecs = (protocol: string, targetType: string) => (protocol === "HTTP" ? httpTg : tcpTg(targetType));
export const loadBalancerAttributeSpecs = (type: "application" | "network") => (type === "application" ? albAttributes : nlbAttributes);

export const targetGroupDefaults = (protocol: string, targetType: string) => defaultsOf(targetGroupAttributeSpecs(protocol, targetType));
export const loadBalancerDefaults = (type: "application" | "network") => defaultsOf(loadBalancerAttributeSpecs(type));

/**
 * `current` with `changes` applied, every key checked against `specs`; an unknown key or a bad
 * value is a ValidationError naming it, and nothing is applied.
 */
export function applyAttributes(specs: Record<string, Spec>, current: Record<string, string>, changes: Attribute[], what: string): Record<string, string> {
  const next = { ...current };
  for (const { Key: key, Value: value } of changes) {
    if (key === undefined || !Object.hasOwn(specs, key)) throw elbErrors.validation(`${what} attribute key '${(key ?? "").slice(0, 256)}' is not recognized`);
    if (value === undefined) throw elbErrors.validation(`A value must be specified for the attribute '${key}'`);
    const problem = specs[key]!.check(value);
    if (problem) throw elbErrors.validation(`'${key}' value '${value.slice(0, 64)}' ${problem}`);
    next[key] = value;
  }
  return next;
}

export const attributeList = (attrs: Record<string, string>): { Key: string; Value: string }[] =>
  Object.entries(attrs).map(([Key, Value]) => ({ Key, Value }));
