// Finds the processes a test run left behind. The runner (scripts/test.mjs) gives the run two
// marks before it starts: an environment variable (BERTH_TEST_SUITE=<id>), inherited by every
// process a test spawns with the test's environment (servers, `berth up`, `berth agent`), and a
// temporary root used as TMPDIR, under which every harness makes its state dirs. Task processes
// get a clean environment from the runtime, but the process runtime's waiting shell (argv
// "... berth-wait <state dir>/runtime/containers/<id>/exit ...") names its state dir, and it
// leads the process group, or PID namespace, of everything the task runs.
//
// So after node --test exits, a process is left over when its environment carries the run's
// id or its argv names the run's root; its descendants and, for a group leader, the members of
// its group are left over with it.
//
// Docker containers carry no mark of the run, but each names its agent's instance id in the
// label berth.agent.instance-id, and every agent writes that id to agent.json in its state dir:
// a container labelled with the id of an agent.json still under the root is left over too.
// (A test that removed its state dir while leaving containers behind escapes this check.)
import { readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";

export const SUITE_ENV = "BERTH_TEST_SUITE";

/** What /proc tells of every process (Linux); elsewhere `ps`, which shows no environments. */
export function listProcesses() {
  if (process.platform !== "linux") return psProcesses();
  const out = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // The command name may hold spaces and parentheses: count fields after the last ')'.
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean);
      let env = [];
      try {
        env = readFileSync(`/proc/${name}/environ`, "utf8").split("\0");
      } catch {
        // Another user's process: its argv still counts.
      }
      out.push({ pid: Number(name), state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), argv, env });
    } catch {
      // It exited while we looked.
    }
  }
  return out;
}

function psProcesses() {
  const text = execFileSync("ps", ["-A", "-o", "pid=,ppid=,pgid=,state=,args="], { encoding: "utf8" });
  return text
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter(Boolean)
    .map(([, pid, ppid, pgid, state, args]) => ({ pid: +pid, ppid: +ppid, pgid: +pgid, state, argv: args.split(" "), env: [] }));
}

/**
 * The processes of `procs` the run marked with `id` and `root` left behind, pure. `self` is the
 * runner's pid: it and its ancestors (npm, the shell) are never counted, nor is their group.
 */
export function findLeaks(procs, { id, root, self }) {
  const live = procs.filter((p) => p.state !== "Z" && p.state !== "X");
  const byPid = new Map(live.map((p) => [p.pid, p]));
  const spared = new Set();
  for (let p = byPid.get(self); p && !spared.has(p.pid); p = byPid.get(p.ppid)) spared.add(p.pid);
  const sparedGroups = new Set([...spared].map((pid) => byPid.get(pid)?.pgid));
  const marked = (p) => p.env.includes(`${SUITE_ENV}=${id}`) || p.argv.some((a) => a.includes(root));
  const leaked = new Set(live.filter((p) => !spared.has(p.pid) && marked(p)).map((p) => p.pid));
  // Grow to a fixed point: children of a leaked process, members of a leaked leader's group.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of live) {
      if (leaked.has(p.pid) || spared.has(p.pid)) continue;
      const leader = byPid.get(p.pgid);
      const inLeakedGroup = leader && leaked.has(leader.pid) && leader.pid === leader.pgid && !sparedGroups.has(p.pgid);
      if (leaked.has(p.ppid) || inLeakedGroup) {
        leaked.add(p.pid);
        grew = true;
      }
    }
  }
  return live.filter((p) => leaked.has(p.pid));
}

/** SIGKILLs the leaked processes (and the groups they lead); returns those still alive after. */
export async function killLeaks(leaks, { waitMs = 5000 } = {}) {
  for (const p of leaks) {
    for (const target of p.pid === p.pgid ? [-p.pid, p.pid] : [p.pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
  }
  const pids = new Set(leaks.map((p) => p.pid));
  const deadline = Date.now() + waitMs;
  for (;;) {
    const alive = listProcesses().filter((p) => pids.has(p.pid) && p.state !== "Z");
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function describeProcess(p) {
  const args = p.argv.join(" ").replace(/\s+/g, " ");
  return `  pid ${p.pid} (parent ${p.ppid}, group ${p.pgid}): ${args.length > 200 ? `${args.slice(0, 200)}...` : args}`;
}

/** Instance ids of the agents whose state dirs are (still) under root. */
export function agentInstanceIds(root, depth = 6) {
  const ids = new Set();
  const walk = (dir, left) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory() && left > 0) walk(path, left - 1);
      else if (e.isFile() && e.name === "agent.json") {
        try {
          const id = JSON.parse(readFileSync(path, "utf8")).instanceId;
          if (typeof id === "string" && id) ids.add(id);
        } catch {
          // half written or not an agent's
        }
      }
    }
  };
  walk(root, depth);
  return ids;
}

/** The Docker engine's unix socket, when one is configured and answers; else undefined. */
function dockerSocket() {
  const host = process.env.DOCKER_HOST;
  if (host && !host.startsWith("unix://")) return undefined;
  return host ? host.slice("unix://".length) : "/var/run/docker.sock";
}

function docker(method, path) {
  const socketPath = dockerSocket();
  if (!socketPath) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = request({ socketPath, method, path, timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        try {
          resolve(res.statusCode < 300 && body ? JSON.parse(body) : null);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** Containers (running or not) labelled with one of these agents' instance ids. */
export async function dockerLeaks(instanceIds) {
  if (instanceIds.size === 0) return [];
  const filters = encodeURIComponent(JSON.stringify({ label: ["berth.managed=true"] }));
  const list = (await docker("GET", `/containers/json?all=1&filters=${filters}`)) ?? [];
  return list.filter((c) => instanceIds.has(c.Labels?.["berth.agent.instance-id"]));
}

export async function removeContainers(containers) {
  for (const c of containers) await docker("DELETE", `/containers/${c.Id}?force=1`);
}

export function describeContainer(c) {
  return `  docker container ${c.Id.slice(0, 12)} ${c.Names?.[0] ?? ""} (${c.State}): ${c.Command ?? ""}`;
}
