// Real etcd processes for tests: one member or a cluster of several on free loopback ports, each
// with its own temporary data dir, started and stopped by the test (never a system etcd).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";

const ETCD_BIN = process.env.BERTH_ETCD_BIN ?? "etcd";

/** Why etcd tests cannot run here (for a test's `skip`), or undefined when they can. */
export function etcdMissing(): string | undefined {
  const probe = spawnSync(ETCD_BIN, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    return `no etcd binary (${ETCD_BIN}): install Debian's etcd-server (.ci/run does)`;
  }
  return undefined;
}

export interface EtcdMember {
  name: string;
  /** http://127.0.0.1:<client port> */
  clientUrl: string;
  dataDir: string;
  running(): boolean;
  /** Stops the member (SIGTERM, or SIGKILL for a crash); its data dir stays for a restart. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the member again on the same ports and data dir. */
  restart(): Promise<void>;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** Client URLs of every member, e.g. for `etcd://h1:p1,h2:p2`. */
  endpoints: string[];
  /** `etcd://127.0.0.1:p1,127.0.0.1:p2/<prefix>` */
  storeUrl(prefix?: string): string;
  /** Stops every member (SIGKILL) and removes the data dirs. */
  stop(): Promise<void>;
}

export interface EtcdOptions {
  members?: 1 | 3;
  /** How often etcd tells idle watchers its revision (etcd's default is 10 minutes). */
  progressNotifyMs?: number;
  /** Where the members' data dirs go (default /dev/shm when there is one, else the temp dir). */
  dataRoot?: string;
}

/**
 * Starts etcd with `members` members on loopback. The data dirs are on /dev/shm when it exists
 * (etcd fsyncs every commit; tests measure berth, not the disk). Resolves once every member
 * answers /health.
 */
export async function startEtcd(options: EtcdOptions = {}): Promise<EtcdCluster> {
  const count = options.members ?? 1;
  const base = mkdtempSync(join(options.dataRoot ?? shmOrTmp(), "berth-etcd-"));
  const ports = await Promise.all(Array.from({ length: count }, async () => ({ client: await freePort(), peer: await freePort() })));
  const names = ports.map((_, i) => `m${i}`);
  // Members agree on a cluster ID only if they share the token.
  const token = `berth-test-${process.pid}-${ports[0]!.peer}`;
  const initialCluster = ports.map((p, i) => `${names[i]}=http://127.0.0.1:${p.peer}`).join(",");
  const members = ports.map((p, i) => {
    const name = names[i]!;
    const dataDir = join(base, name);
    const args = [
      "--name", name,
      "--data-dir", dataDir,
      "--listen-client-urls", `http://127.0.0.1:${p.client}`,
      "--advertise-client-urls", `http://127.0.0.1:${p.client}`,
      "--listen-peer-urls", `http://127.0.0.1:${p.peer}`,
      "--initial-advertise-peer-urls", `http://127.0.0.1:${p.peer}`,
      "--initial-cluster", initialCluster,
      "--initial-cluster-state", "new",
      "--initial-cluster-token", token,
      // berth's transactions can be larger than etcd's default 128 ops (docs/etcd.md).
      "--max-txn-ops", "10000",
      "--experimental-watch-progress-notify-interval", `${options.progressNotifyMs ?? 1000}ms`,
      "--logger", "zap",
      "--log-outputs", "stderr",
      "--log-level", "error",
    ];
    return new Member(name, `http://127.0.0.1:${p.client}`, dataDir, args);
  });
  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((m) => m.clientUrl),
    storeUrl: (prefix) => `etcd://${members.map((m) => m.clientUrl.slice("http://".length)).join(",")}${prefix ? `/${prefix}` : ""}`,
    stop: async () => {
      await Promise.all(members.map((m) => m.stop("SIGKILL")));
      rmSync(base, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(members.map((m) => m.restart()));
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

function shmOrTmp(): string {
  const probe = spawnSync("test", ["-d", "/dev/shm", "-a", "-w", "/dev/shm"]);
  return probe.status === 0 ? "/dev/shm" : tmpdir();
}

class Member implements EtcdMember {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = "";

  constructor(
    readonly name: string,
    readonly clientUrl: string,
    readonly dataDir: string,
    private readonly args: string[],
  ) {}

  running(): boolean {
    return this.child !== undefined;
  }

  async restart(): Promise<void> {
    if (this.child) throw new Error(`etcd member ${this.name} is already running`);
    this.stderr = "";
    const child = spawn(ETCD_BIN, this.args, { stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    this.exited = new Promise((resolve) =>
      child.once("exit", () => {
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    await this.healthy();
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    await this.exited;
  }

  /** A member is up when its /health says so; a cluster's members wait for each other there. */
  private async healthy(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (!this.child) throw new Error(`etcd member ${this.name} exited at start: ${this.stderr}`);
      try {
        const res = await fetch(`${this.clientUrl}/health`);
        if (res.ok && ((await res.json()) as { health?: string }).health === "true") return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`etcd member ${this.name} not healthy in 30 s: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
