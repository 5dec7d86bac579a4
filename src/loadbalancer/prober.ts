// The health checks themselves (I/O): an HTTP GET as ELB's checker sends it, or a TCP connect.
import { request } from "node:http";
import { connect } from "node:net";
import { codeMatches, type CheckResult } from "./health.js";
import type { HealthCheckConfig, Target } from "./spec.js";

export function checkPort(cfg: HealthCheckConfig, target: Target): number {
  return cfg.HealthCheckPort === "traffic-port" ? target.Port : Number(cfg.HealthCheckPort);
}

export function probe(cfg: HealthCheckConfig, target: Target): Promise<CheckResult> {
  return cfg.HealthCheckProtocol === "TCP" ? probeTcp(cfg, target) : probeHttp(cfg, target);
}

function probeHttp(cfg: HealthCheckConfig, target: Target): Promise<CheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: CheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = request(
      {
        host: target.Address,
        port: checkPort(cfg, target),
        path: cfg.HealthCheckPath ?? "/",
        method: "GET",
        // ELB's checker: its own user agent, and a new connection for every check.
        headers: { "user-agent": "ELB-HealthChecker/2.0", connection: "close" },
        agent: false,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        done(codeMatches(cfg.Matcher?.HttpCode ?? "200", code) ? { kind: "pass" } : { kind: "code", code });
      },
    );
    const timer = setTimeout(() => done({ kind: "timeout" }), cfg.HealthCheckTimeoutSeconds * 1000);
    req.on("error", (e) => done({ kind: "failed", detail: e.message }));
    req.end();
  });
}

function probeTcp(cfg: HealthCheckConfig, target: Target): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.Address, port: checkPort(cfg, target) });
    const timer = setTimeout(() => finish({ kind: "timeout" }), cfg.HealthCheckTimeoutSeconds * 1000);
    function finish(r: CheckResult): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    }
    socket.once("connect", () => finish({ kind: "pass" }));
    socket.once("error", (e) => finish({ kind: "failed", detail: e.message }));
  });
}
