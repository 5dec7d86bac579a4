// A target group's settings and health check, from CreateTargetGroup or ModifyTargetGroup input:
// AWS's defaults per protocol (aws-neighbors.md §1.3) and its ranges. Pure.
import { elbErrors } from "./errors.js";
import type { TargetGroupRecord } from "./records.js";

export type HealthCheck = Pick<
  TargetGroupRecord,
  | "HealthCheckProtocol"
  | "HealthCheckPort"
  | "HealthCheckEnabled"
  | "HealthCheckIntervalSeconds"
  | "HealthCheckTimeoutSeconds"
  | "HealthyThresholdCount"
  | "UnhealthyThresholdCount"
  | "HealthCheckPath"
  | "Matcher"
>;

export interface HealthCheckInput {
  HealthCheckProtocol?: string;
  HealthCheckPort?: string;
  HealthCheckEnabled?: boolean;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds?: number;
  HealthCheckTimeoutSeconds?: number;
  HealthyThresholdCount?: number;
  UnhealthyThresholdCount?: number;
  Matcher?: { HttpCode?: string; GrpcCode?: string };
}

export interface TargetGroupInput extends HealthCheckInput {
  Protocol?: string;
  ProtocolVersion?: string;
  Port?: number;
  VpcId?: string;
  TargetType?: string;
  IpAddressType?: string;
}

export type TargetGroupSettings = Omit<TargetGroupRecord, "TargetGroupArn" | "TargetGroupName" | "attributes" | "Tags">;

/** The protocols berth's data plane serves (spec.ts); HTTPS, TLS and UDP would need more than it has. */
const PROTOCOLS = ["HTTP", "TCP"] as const;
type Protocol = (typeof PROTOCOLS)[number];

export function targetGroupSettings(input: TargetGroupInput): TargetGroupSettings {
  const targetType = input.TargetType ?? "instance";
  if (targetType !== "instance" && targetType !== "ip") {
    throw elbErrors.validation(`Target type '${targetType}' is not supported by berth; use 'instance' or 'ip'`);
  }
  if (input.Protocol === undefined) throw elbErrors.validation("A protocol must be specified");
  if (!(PROTOCOLS as readonly string[]).includes(input.Protocol)) {
    throw elbErrors.validation(`Target group protocol '${input.Protocol}' is not supported by berth's load balancers; use 'HTTP' or 'TCP'`);
  }
  const protocol = input.Protocol as Protocol;
  if (input.Port === undefined) throw elbErrors.validation("A port must be specified");
  if (input.VpcId === undefined) throw elbErrors.validation("A VPC ID must be specified");
  if (input.IpAddressType !== undefined && input.IpAddressType !== "ipv4") {
    throw elbErrors.validation(`IP address type '${input.IpAddressType}' is not supported by berth; use 'ipv4'`);
  }
  if (input.ProtocolVersion !== undefined) {
    if (protocol !== "HTTP") throw elbErrors.validation("A protocol version can only be specified for target groups with the HTTP or HTTPS protocol");
    if (input.ProtocolVersion !== "HTTP1") throw elbErrors.validation(`Protocol version '${input.ProtocolVersion}' is not supported by berth; use 'HTTP1'`);
  }
  return {
    Protocol: protocol,
    Port: input.Port,
    VpcId: input.VpcId,
    TargetType: targetType,
    ...(protocol === "HTTP" ? { ProtocolVersion: "HTTP1" } : {}),
    IpAddressType: "ipv4",
    ...healthCheck(protocol, targetType, undefined, input),
  };
}

/**
 * The health check after applying `input` to `prev` (absent on create): given members replace,
 * the rest keep their value or take the default for the target group's protocol.
 */
export function healthCheck(protocol: TargetGroupRecord["Protocol"], targetType: string, prev: HealthCheck | undefined, input: HealthCheckInput): HealthCheck {
  const checkProtocol = input.HealthCheckProtocol ?? prev?.HealthCheckProtocol ?? (protocol === "HTTP" ? "HTTP" : "TCP");
  if (checkProtocol !== "HTTP" && checkProtocol !== "TCP") {
    throw elbErrors.validation(`Health check protocol '${checkProtocol}' is not supported by berth's health checker; use 'HTTP' or 'TCP'`);
  }
  if (protocol === "HTTP" && checkProtocol === "TCP") {
    throw elbErrors.validation("Health check protocol 'TCP' is not supported for target groups with the HTTP protocol");
  }
  if (input.HealthCheckEnabled === false) {
    throw elbErrors.validation(`Health checks cannot be disabled for target groups with target type '${targetType}'`);
  }
  const port = input.HealthCheckPort ?? prev?.HealthCheckPort ?? "traffic-port";
  if (port !== "traffic-port" && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw elbErrors.validation(`Health check port '${port.slice(0, 32)}' must be 'traffic-port' or a port between 1 and 65535`);
  }
  const interval = input.HealthCheckIntervalSeconds ?? prev?.HealthCheckIntervalSeconds ?? 30;
  // ALB HTTP checks time out after 5 s by default, NLB HTTP checks after 6 s, TCP checks after 10 s.
  const defaultTimeout = checkProtocol === "TCP" ? 10 : protocol === "HTTP" ? 5 : 6;
  const switched = prev !== undefined && input.HealthCheckProtocol !== undefined && input.HealthCheckProtocol !== prev.HealthCheckProtocol;
  const timeout = input.HealthCheckTimeoutSeconds ?? (switched ? undefined : prev?.HealthCheckTimeoutSeconds) ?? defaultTimeout;
  if (timeout >= interval) throw elbErrors.validation(`Health check timeout '${timeout}' must be smaller than the interval '${interval}'`);
  const out: HealthCheck = {
    HealthCheckProtocol: checkProtocol,
    HealthCheckPort: port,
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: interval,
    HealthCheckTimeoutSeconds: timeout,
    HealthyThresholdCount: input.HealthyThresholdCount ?? prev?.HealthyThresholdCount ?? 5,
    UnhealthyThresholdCount: input.UnhealthyThresholdCount ?? prev?.UnhealthyThresholdCount ?? 2,
  };
  if (checkProtocol === "TCP") {
    if (input.HealthCheckPath !== undefined) throw elbErrors.validation("A health check path cannot be specified for health checks with the TCP protocol");
    if (input.Matcher !== undefined) throw elbErrors.validation("A health check matcher cannot be specified for health checks with the TCP protocol");
    return out;
  }
  const path = input.HealthCheckPath ?? prev?.HealthCheckPath ?? "/";
  if (!path.startsWith("/")) throw elbErrors.validation(`Health check path '${path.slice(0, 64)}' must begin with a '/' character`);
  if (input.Matcher?.GrpcCode !== undefined) throw elbErrors.validation("A gRPC code matcher can only be specified for target groups with the GRPC protocol version");
  const code = input.Matcher?.HttpCode ?? prev?.Matcher?.HttpCode ?? (protocol === "HTTP" ? "200" : "200-399");
  checkMatcher(code, protocol === "HTTP" ? 499 : 599);
  return { ...out, HealthCheckPath: path, Matcher: { HttpCode: code } };
}

/** `200`, `200,202`, `200-299`: codes from 200 to `max` (499 on ALBs, 599 on NLBs). */
export function checkMatcher(code: string, max: number): void {
  if (code.trim() === "") throw elbErrors.validation("Health check matcher HTTP code cannot be empty");
  for (const part of code.split(",")) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part.trim());
    const lo = m ? Number(m[1]) : Number.NaN;
    const hi = m?.[2] ? Number(m[2]) : lo;
    if (!m || lo < 200 || hi > max || lo > hi) {
      throw elbErrors.validation(`Health check matcher HTTP code '${code.slice(0, 64)}' must be codes or ranges between 200 and ${max}`);
    }
  }
}
