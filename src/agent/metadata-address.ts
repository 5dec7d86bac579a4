// Where the metadata endpoint listens, and the address containers are told. Process and
// simulated containers share the host's network, so loopback serves them. Docker's bridge
// containers reach the host at the bridge's gateway (docker0, usually 172.17.0.1): the agent
// asks the engine for it, since a bridge with no container attached has no carrier and Node's
// interface list leaves it out. Host-network docker containers reach either address.
import type { Logger } from "pino";
import { dockerConnection, type RuntimeName } from "../runtime/index.js";

export async function metadataHosts(runtime: RuntimeName, log: Logger, explicit?: string): Promise<string[]> {
  if (explicit) return [explicit];
  if (runtime !== "docker") return ["127.0.0.1"];
  try {
    const { default: Docker } = await import("dockerode");
    const net = (await new Docker(dockerConnection().options).getNetwork("bridge").inspect()) as {
      IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] };
    };
    const v4 = net.IPAM?.Config?.find((c) => (c.Gateway ?? c.Subnet ?? ":").includes(".") && !(c.Subnet ?? "").includes(":"));
    // The default bridge often lists only its subnet: Docker gives the bridge the first host.
    const gateway = v4?.Gateway ?? (v4?.Subnet ? firstHost(v4.Subnet) : undefined);
    if (gateway) return [gateway, "127.0.0.1"];
    log.warn("Docker's bridge network has no IPv4 gateway; bridge containers will not reach the metadata endpoint");
  } catch (err) {
    log.warn({ err: (err as Error).message }, "cannot read Docker's bridge network; the metadata endpoint listens on loopback only");
  }
  return ["127.0.0.1"];
}

/**
 * The Linux interface of Docker's default bridge network (docker0 unless the engine was told
 * otherwise): where the agent redirects bridge containers' 169.254.170.2. Undefined when the
 * engine cannot be asked.
 */
export async function dockerBridgeInterface(log: Logger): Promise<string | undefined> {
  try {
    const { default: Docker } = await import("dockerode");
    const net = (await new Docker(dockerConnection().options).getNetwork("bridge").inspect()) as { Options?: Record<string, string> };
    return net.Options?.["com.docker.network.bridge.name"] ?? "docker0";
  } catch (err) {
    log.warn({ err: (err as Error).message }, "cannot read Docker's bridge network; its containers get no credentials address");
    return undefined;
  }
}

/** `172.17.0.0/16` → `172.17.0.1`. */
export function firstHost(cidr: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const bits = Number(m[5]);
  const ip = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const first = ((ip & mask) >>> 0) + 1;
  return [24, 16, 8, 0].map((s) => (first >>> s) & 255).join(".");
}
