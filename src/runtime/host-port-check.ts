// Before the process runtime starts a container, it checks that the host ports the container
// will bind are free. Placement keeps two berth tasks off one port (placement/host-ports.ts),
// but another program on the host may hold it; without this check the container starts, fails
// to bind and exits 1, and nothing says why. Docker refuses such a start itself ("port is
// already allocated"); this is the process runtime's equivalent, in the same place: a
// CannotStartContainerError. A port freed after the check and taken before the command binds
// it is not caught (the command's own error then says so in its log).
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import type { NetworkBinding } from "./types.js";

/** binds: the container binds them on the host; forwards: the agent forwards them to the task's bridge namespace. */
export type HostPortUse = "binds" | "forwards";

/** One host port tried: the errno code binding it failed with, or none when it was free. */
export interface PortProbe {
  readonly port: number;
  readonly protocol: string;
  readonly code?: string;
}

/**
 * The CannotStartContainerError detail for the probes that failed, or undefined when every port
 * could be bound. Pure: its words are table-tested.
 */
export function hostPortProblem(probes: readonly PortProbe[], how: HostPortUse = "binds"): string | undefined {
  const failed = probes.filter((p) => p.code !== undefined);
  if (failed.length === 0) return undefined;
  const named = (list: readonly PortProbe[]) => list.map((p) => `${p.port}/${p.protocol}`).join(", ");
  const inUse = failed.filter((p) => p.code === "EADDRINUSE");
  const other = failed.filter((p) => p.code !== "EADDRINUSE");
  const parts: string[] = [];
  if (inUse.length === 1) parts.push(`port ${named(inUse)} is already in use on the host`);
  if (inUse.length > 1) parts.push(`ports ${named(inUse)} are already in use on the host`);
  for (const p of other) parts.push(`port ${p.port}/${p.protocol} cannot be bound on the host (${p.code})`);
  const why = how === "binds" ? "the process runtime binds a container's ports on the host itself" : "the agent forwards a bridge task's host ports to its namespace";
  return `${parts.join("; ")}: ${why}, and another program holds ${failed.length === 1 ? "it" : "them"}`;
}

/** The host ports a container binds, once each (bridge and host mode under the process runtime). */
export function portsToProbe(bindings: readonly NetworkBinding[]): { port: number; protocol: "tcp" | "udp" }[] {
  const seen = new Set<string>();
  const out: { port: number; protocol: "tcp" | "udp" }[] = [];
  for (const b of bindings) {
    const key = `${b.hostPort}/${b.protocol}`;
    if (b.hostPort > 0 && !seen.has(key)) {
      seen.add(key);
      out.push({ port: b.hostPort, protocol: b.protocol });
    }
  }
  return out;
}

/** Binds the port on all IPv4 addresses and lets it go at once: undefined when that worked. */
export function probeHostPort(port: number, protocol: "tcp" | "udp"): Promise<string | undefined> {
  return new Promise((resolve) => {
    const fail = (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message);
    if (protocol === "udp") {
      const socket = createSocket("udp4");
      socket.once("error", (err) => {
        try {
          socket.close();
        } catch {
          // A socket whose bind failed may already be closed.
        }
        fail(err);
      });
      socket.bind({ port, address: "0.0.0.0", exclusive: true }, () => socket.close(() => resolve(undefined)));
      return;
    }
    const server = createServer();
    server.once("error", fail);
    server.listen({ port, host: "0.0.0.0", exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Probes every port a container binds; the problem to refuse its start with, if any. */
export async function checkHostPorts(bindings: readonly NetworkBinding[], how: HostPortUse = "binds"): Promise<string | undefined> {
  const probes = await Promise.all(portsToProbe(bindings).map(async (p) => ({ ...p, code: await probeHostPort(p.port, p.protocol) })));
  return hostPortProblem(probes.map(({ code, ...p }) => (code === undefined ? p : { ...p, code })), how);
}
