// Which runtimes this host offers: a reachable Docker engine (DOCKER_HOST, else the socket at
// /var/run/docker.sock), and what isolation the process runtime would get. The agent uses it to
// pick a driver; tests use it to skip Docker cases with the reason spelled out.
import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { detectProcessHost } from "./process-driver.js";
import type { Isolation } from "./process-launch.js";
import type { RuntimeName } from "./types.js";

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

export interface DockerConnection {
  /** dockerode options; undefined (ssh://, npipe://) lets docker-modem read DOCKER_HOST itself. */
  options?: Docker.DockerOptions;
  /** Where the engine is expected, for messages. */
  endpoint: string;
  socketPath?: string;
}

export function dockerConnection(env: NodeJS.ProcessEnv = process.env): DockerConnection {
  const host = env.DOCKER_HOST;
  if (host?.startsWith("unix://")) {
    const socketPath = host.slice("unix://".length);
    return { options: { socketPath }, endpoint: socketPath, socketPath };
  }
  if (host?.startsWith("tcp://")) {
    const url = new URL(host.replace(/^tcp:/, "http:"));
    const tls = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== "" && env.DOCKER_TLS_VERIFY !== "0";
    const certs = env.DOCKER_CERT_PATH ?? join(homedir(), ".docker");
    const options: Docker.DockerOptions = {
      host: url.hostname,
      port: url.port || (tls ? 2376 : 2375),
      protocol: tls ? "https" : "http",
      ...(tls
        ? { ca: readFileSync(join(certs, "ca.pem")), cert: readFileSync(join(certs, "cert.pem")), key: readFileSync(join(certs, "key.pem")) }
        : {}),
    };
    return { options, endpoint: host };
  }
  if (host) return { endpoint: host };
  return { options: { socketPath: DEFAULT_DOCKER_SOCKET }, endpoint: DEFAULT_DOCKER_SOCKET, socketPath: DEFAULT_DOCKER_SOCKET };
}

export type DockerDetection =
  | { available: true; endpoint: string; version: string; apiVersion: string }
  | { available: false; endpoint: string; reason: string };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

export async function detectDocker(options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<DockerDetection> {
  const conn = dockerConnection(options.env);
  if (conn.socketPath) {
    const s = await stat(conn.socketPath).catch((e: NodeJS.ErrnoException) => e);
    if (s instanceof Error) return { available: false, endpoint: conn.endpoint, reason: s.code === "ENOENT" ? "no such socket" : s.message };
  }
  // dockerode is loaded only when an engine may be there: it is most of an idle agent's heap.
  const { default: Docker } = await import("dockerode");
  const docker = new Docker(conn.options);
  try {
    const v = await withTimeout(docker.version(), options.timeoutMs ?? 3000, "the engine");
    return { available: true, endpoint: conn.endpoint, version: v.Version, apiVersion: v.ApiVersion };
  } catch (e) {
    return { available: false, endpoint: conn.endpoint, reason: (e as Error).message };
  }
}

export interface RuntimeDetection {
  docker: DockerDetection;
  process: { isolation: Isolation; isolationReason?: string; cgroup: "v1" | "v2" | "none"; cgroupReason?: string };
  /** docker when an engine answers, else process. */
  recommended: Exclude<RuntimeName, "simulated">;
}

export async function detectRuntime(options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RuntimeDetection> {
  const [docker, host] = await Promise.all([detectDocker(options), detectProcessHost()]);
  return {
    docker,
    process: {
      isolation: host.isolation,
      ...(host.isolationReason ? { isolationReason: host.isolationReason } : {}),
      cgroup: host.cgroups?.version ?? "none",
      ...(host.cgroupReason ? { cgroupReason: host.cgroupReason } : {}),
    },
    recommended: docker.available ? "docker" : "process",
  };
}
