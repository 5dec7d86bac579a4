// berth's DNS server for Cloud Map private namespaces: dns2 does the wire (UDP and TCP, for
// answers too large for a datagram); each question is observed from the cache, answered by the
// pure answerQuery, and only then encoded. It serves berth's zones alone and does not recurse.
import dns2 from "dns2";
import { createSocket } from "node:dgram";
import { createServer, type AddressInfo, type Socket } from "node:net";
import type { Logger } from "pino";
import { answerLoadBalancerQuery, serviceDiscovery } from "../../domain/index.js";
import type { Cache } from "../../store/index.js";

const { Packet } = dns2;

export interface DnsServerOptions {
  /** Where to listen; the same port on UDP and TCP. Port 0 picks a free one (tests). */
  host: string;
  port: number;
  cache: Cache;
  logger: Logger;
}

export interface DnsServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const TYPE_NAMES = new Map(Object.entries(Packet.TYPE).map(([name, n]) => [n, name]));

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const { cache, logger } = options;
  const server = dns2.createServer({
    udp: true,
    tcp: true,
    handle(request, send) {
      const response = Packet.createResponseFromRequest(request);
      response.header.aa = 1; // authoritative for its zones
      response.header.ra = 0; // and no recursion
      const question = request.questions[0];
      if (!question) {
        response.header.rcode = Packet.RCODE.FORMERR!;
        return send(response);
      }
      const qtype = TYPE_NAMES.get(question.type) ?? String(question.type);
      const zone = serviceDiscovery.observeZone(cache, question.name);
      // A load balancer's DNSName first: it lies in no Cloud Map namespace.
      const answer = answerLoadBalancerQuery(cache, question.name, qtype) ?? serviceDiscovery.answerQuery(zone, question.name, qtype, (n) => Math.floor(Math.random() * n));
      response.header.rcode = Packet.RCODE[answer.rcode === "NOERROR" ? "NOERROR" : answer.rcode === "NXDOMAIN" ? "NXDOMAIN" : "REFUSED"]!;
      if (answer.rcode === "REFUSED") response.header.aa = 0;
      const rr = (r: serviceDiscovery.DnsRr) => ({ ...r, type: Packet.TYPE[r.type], class: Packet.CLASS.IN });
      response.answers = answer.answers.map(rr);
      response.authorities = answer.authorities.map(rr);
      response.additionals = answer.additionals.map(rr);
      send(response);
    },
  });
  server.on("requestError", (err: Error) => logger.debug({ err }, "malformed DNS request"));
  // dns2's TCP server keeps idle connections 10 s; close() ends them at once instead.
  const connections = new Set<Socket>();
  server.servers.tcp?.on("connection", (s: Socket) => {
    connections.add(s);
    s.on("close", () => connections.delete(s));
  });
  // Port 0: one port free on both TCP and UDP (an ephemeral UDP port may be taken on TCP).
  const wanted = options.port === 0 ? await freeOnBoth(options.host) : options.port;
  const listening = await new Promise<{ udp?: { port: number } }>((resolve, reject) => {
    // What did bind (UDP when TCP's port is taken) is let go, or it keeps the process alive.
    const fail = (err: Error): void => {
      for (const close of [() => server.servers.udp?.close(), () => server.servers.tcp?.close()]) {
        try {
          close();
        } catch {
          // not bound
        }
      }
      reject(err);
    };
    server.once("error", fail);
    server.servers.udp!.once("error", fail);
    server.servers.udp!.bind(wanted, options.host, () => {
      const port = (server.servers.udp!.address() as { port: number }).port;
      server.servers.tcp!.once("error", fail);
      server.servers.tcp!.listen(port, options.host, () => resolve({ udp: { port } }));
    });
  });
  const port = listening.udp!.port;
  logger.debug({ host: options.host, port }, "DNS server for Cloud Map namespaces listening");
  return {
    host: options.host,
    port,
    async close() {
      for (const s of connections) s.destroy();
      await server.close();
    },
  };
}

/** A port that is free on TCP and UDP at `host` now: TCP picks one, UDP must bind it too; else again. */
async function freeOnBoth(host: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const tcp = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen(0, host, () => resolve((tcp.address() as AddressInfo).port));
    });
    const udp = createSocket(host.includes(":") ? "udp6" : "udp4");
    const free = await new Promise<boolean>((resolve) => {
      udp.once("error", () => resolve(false));
      udp.bind(port, host, () => resolve(true));
    });
    await new Promise<void>((r) => tcp.close(() => r()));
    await new Promise<void>((r) => udp.close(() => r())).catch(() => undefined);
    if (free || attempt >= 20) return port;
  }
}
