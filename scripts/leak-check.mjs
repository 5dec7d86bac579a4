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
import { readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

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
