// The DNS server where awsvpc tasks look for it: an ENI's resolver is its subnet's router
// address (base + 1), which the node holds on the subnet's bridge, on port 53. As root, the
// control plane listens on each router address that exists on its own host — observe (the
// subnets in the cache, the host's addresses) → decide (pure) → start or stop one DNS server
// per address. Bridges come and go with tasks, so this runs again every few seconds.
import { networkInterfaces } from "node:os";
import type { Logger } from "pino";
import { formatIpv4, parseCidr } from "../../model/index.js";
import type { Cache } from "../../store/index.js";
import { startDnsServer, type DnsServer } from "./dns-server.js";

export interface ListenerPlan {
  start: string[];
  stop: string[];
}

/** Listen on the wanted addresses the host holds; stop on any other. */
export function planListeners(wanted: readonly string[], onHost: readonly string[], listening: readonly string[]): ListenerPlan {
  const host = new Set(onHost);
  const target = new Set(wanted.filter((a) => host.has(a)));
  return { start: [...target].filter((a) => !listening.includes(a)).sort(), stop: listening.filter((a) => !target.has(a)).sort() };
}

/** The router address of each subnet berth knows: where its tasks' resolv.conf points. */
export function subnetRouters(cache: Cache): string[] {
  const out = new Set<string>();
  for (const s of cache.byIndex<{ CidrBlock: string }>("sdSubnets", "all")) {
    const cidr = parseCidr(s.CidrBlock);
    if (cidr) out.add(formatIpv4(cidr.base + 1));
  }
  return [...out];
}

export const hostAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === "IPv4")
    .map((a) => a.address);

export interface GatewayListeners {
  /** Runs one observe → decide → act pass now (tests; the timer runs it every intervalMs). */
  sync(): Promise<void>;
  listening(): string[];
  close(): Promise<void>;
}

export function startGatewayListeners(options: { cache: Cache; logger: Logger; port?: number; intervalMs?: number; observeHost?: () => string[] }): GatewayListeners {
  const { cache, logger } = options;
  const servers = new Map<string, DnsServer>();
  /** Addresses that could not be bound: said once at warn, then only at debug. */
  const failed = new Set<string>();
  const port = options.port ?? 53;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  const pass = async () => {
    if (closed) return;
    const plan = planListeners(subnetRouters(cache), (options.observeHost ?? hostAddresses)(), [...servers.keys()]);
    for (const address of plan.stop) {
      await servers.get(address)!.close();
      servers.delete(address);
    }
    for (const address of plan.start) {
      try {
        servers.set(address, await startDnsServer({ host: address, port, cache, logger }));
        failed.delete(address);
      } catch (err) {
        const level = failed.has(address) ? "debug" : "warn";
        failed.add(address);
        logger[level]({ err: (err as Error).message, address, port }, "cannot answer DNS on a subnet router address");
      }
    }
  };
  // One pass at a time: the timer and sync() queue behind each other.
  const sync = () => (running = running.then(pass, pass));
  const timer = setInterval(() => void sync(), options.intervalMs ?? 2000);
  timer.unref();
  void sync();
  return {
    sync,
    listening: () => [...servers.keys()].sort(),
    async close() {
      closed = true;
      clearInterval(timer);
      await running.catch(() => undefined);
      for (const s of servers.values()) await s.close();
      servers.clear();
    },
  };
}
