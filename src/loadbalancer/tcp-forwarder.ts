// A network load balancer's TCP listener: each client connection is piped to one target chosen
// by the listener's default forward action (NLBs have no rules). The connection counts as one
// request in flight for its whole life, so draining waits for it.
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { RoutingTable } from "./routing.js";
import type { Traffic } from "./traffic.js";

export class TcpListener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly table: () => RoutingTable,
    private readonly traffic: Traffic,
  ) {
    // Half-open both ways: a client that has finished sending still gets the whole answer.
    this.server = createServer({ allowHalfOpen: true }, (client) => this.handle(client));
  }

  listen(host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  /** Stops accepting; open connections go on until either side closes them. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Ends every open connection (used when the whole load balancer stops). */
  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  private handle(client: Socket): void {
    const table = this.table();
    const action = table.listeners.get(this.port)?.defaultAction;
    const pick = action?.kind === "forward" ? this.traffic.pick(table, action) : undefined;
    if (!pick || pick.kind !== "target") {
      client.destroy();
      return;
    }
    this.traffic.begin(pick.key);
    const upstream = connect({ host: pick.target.Address, port: pick.target.Port, allowHalfOpen: true });
    this.sockets.add(client).add(upstream);
    let ended = false;
    const finish = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      if (!ended) this.traffic.end(pick.key);
      ended = true;
    };
    client.pipe(upstream).pipe(client);
    client.on("error", finish).on("close", finish);
    upstream.on("error", finish).on("close", finish);
    client.setTimeout(table.idleTimeoutMs, finish);
  }
}
