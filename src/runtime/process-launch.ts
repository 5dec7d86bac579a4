// How the process runtime turns a ContainerSpec into one argv, pure. There is no image: the
// command line is entryPoint ++ command (ECS: entryPoint replaces the image's ENTRYPOINT,
// command its CMD), run on the host's filesystem.
//
// The argv is a chain of small stages, each ending in `exec` of the next, so that one pid
// carries the container from the agent's spawn() to the waiting shell:
//
//   [unshare] new PID, mount and UTS namespaces (plus network for networkMode none), when
//             isolated; without --fork: the *next* process forked is PID 1 of the namespace
//   [wait]    sh "W": runs the init in the foreground, writes its exit status to the exit file,
//             exits. W outlives the agent (it is in its own session), so the exit code of a
//             container that ends while the agent is down is still known. W stays outside the
//             container's cgroups, so the container's OOM killer can't pick it.
//   [init]    sh, PID 1 when isolated: joins the cgroups, mounts /proc, sets the hostname, cd,
//             then exec → [prlimit] ulimits → [setpriv] the user → the command itself.
//
// Signals go to the init's pid only (Docker's semantics: the stop signal reaches PID 1; a
// PID 1 without a handler ignores SIGTERM). W is never signalled, so the exit status W records
// is the init's own: 143 for SIGTERM, 137 for SIGKILL (stop timeout or OOM killer).
//
// Why not `unshare --fork`: util-linux 2.38's unshare exits 1 ("sigprocmask unblock failed")
// when its child dies by a signal, losing 137/143; here the waiting shell is the parent.
import { ContainerError } from "./errors.js";
import type { HealthProbe } from "./health-check.js";
import { needsOwnRoot, rootStage } from "./process-root.js";
import type { ContainerSpec, NetworkBinding, Ulimit, UlimitName } from "./types.js";
import type { ResolvedUser } from "./user-spec.js";

export type Isolation = "namespaces" | "none";

/** Absolute paths of the host programs the chain uses; absent ones disable their feature. */
export interface HostTools {
  sh: string;
  unshare?: string;
  nsenter?: string;
  mount?: string;
  umount?: string;
  chroot?: string;
  prlimit?: string;
  setpriv?: string;
  ip?: string;
}

/** Docker's default PATH, used when the container's environment sets none. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// A health probe's first stage: join the container's cgroups. Args: cgroup.procs files, "--".
export const ENTER_SCRIPT = `while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done
shift
exec "$@"`;

// An awsvpc container's resolv.conf. $1: mount program; $2: the file to show as /etc/resolv.conf;
// "--", then the next stage.
export const DNS_SCRIPT = `"$1" --bind "$2" /etc/resolv.conf || exit 125
shift 3
exec "$@"`;

// $1: exit file; $2: "group" to kill what the init left in W's process group (no PID namespace
// does it), else "none".
export const WAIT_SCRIPT = `f=$1; k=$2; shift 2
"$@"
c=$?
echo "$c" > "$f"
if [ "$k" = group ]; then kill -KILL 0; fi
exit "$c"`;

// $1: mount program or ""; $2: hostname or ""; $3: ip program or "" (bring lo up); $4: dir;
// then cgroup.procs files to join, "--". A pid written to cgroup.procs is read in the writer's
// PID namespace, so $$ (1 when isolated) names the init itself.
export const INIT_SCRIPT = `m=$1; h=$2; i=$3; d=$4; shift 4
while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done
shift
if [ -n "$m" ]; then "$m" -t proc proc /proc || exit 125; fi
if [ -n "$h" ]; then printf %s "$h" > /proc/sys/kernel/hostname || exit 125; fi
if [ -n "$i" ]; then "$i" link set lo up || exit 125; fi
cd "$d" || exit 125
exec "$@"`;

export const ULIMIT_NAMES: readonly UlimitName[] = [
  "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
  "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
];

const createError = (detail: string) => new ContainerError("CannotCreateContainerError", detail);

/** entryPoint ++ command; throws when both are empty, as there is no image to supply one. */
export function commandLine(spec: ContainerSpec): string[] {
  const argv = [...(spec.entryPoint ?? []), ...(spec.command ?? [])];
  if (argv.length === 0 || argv[0] === "") {
    throw createError(
      `container ${spec.containerName} has neither entryPoint nor command; the process runtime runs no image, so one of them must name the program`,
    );
  }
  return argv;
}

export function containerHostname(spec: ContainerSpec, id: string): string {
  return spec.hostname ?? id.slice(0, 12);
}

/** The container's environment: Docker's default PATH and HOSTNAME, then the spec's own, then its secrets. */
export function containerEnvironment(spec: ContainerSpec, id: string, isolation: Isolation): Record<string, string> {
  return {
    PATH: DEFAULT_PATH,
    ...(isolation === "namespaces" ? { HOSTNAME: containerHostname(spec, id) } : {}),
    ...spec.environment,
    ...spec.secretEnvironment,
  };
}

/** Whether the container runs in the task's network namespace (awsvpc; bridge when the agent made one). */
export function joinsTaskNamespace(spec: ContainerSpec): boolean {
  return spec.networkMode === "awsvpc" || (spec.networkMode === "bridge" && spec.networkNamespace?.path !== undefined);
}

/** Whether the container gets a network namespace other than the host's (none, awsvpc, bridge in a namespace). */
export function ownsNetwork(spec: ContainerSpec): boolean {
  return spec.networkMode === "none" || joinsTaskNamespace(spec);
}

/**
 * Checks the network settings the process runtime can honour and returns the bindings it will
 * report. In a bridge namespace of the agent's, the host ports it forwards. Without one (no
 * root), bridge mode behaves as host mode: a port is bound on the host as the container binds
 * it, so hostPort must be 0, absent or equal to containerPort.
 */
export function planNetwork(spec: ContainerSpec, isolation: Isolation): NetworkBinding[] {
  const mode = spec.networkMode;
  if (ownsNetwork(spec) && isolation !== "namespaces") {
    throw createError(`networkMode ${mode} needs namespaces (root on Linux with util-linux unshare); this process runtime runs without isolation`);
  }
  if (mode === "awsvpc" && !spec.networkNamespace?.path) {
    throw createError(`networkMode awsvpc needs networkNamespace.path (the task's network namespace) for the process runtime; none was given`);
  }
  const mappings = spec.portMappings ?? [];
  if (mode === "none" && mappings.length > 0) {
    throw createError(`networkMode none allows no portMappings; found ${mappings.length}`);
  }
  if (mode === "bridge" && spec.networkNamespace?.path) {
    // The agent forwards a host port to each mapping (src/network/bridge-mode.ts): it has picked
    // the dynamic ones before the containers are made.
    return mappings.map((m) => {
      if (!m.hostPort) throw createError(`portMappings containerPort ${m.containerPort} has no host port; in a bridge namespace the agent must give each mapping its forwarded host port`);
      return { bindIP: "0.0.0.0", containerPort: m.containerPort, hostPort: m.hostPort, protocol: m.protocol ?? "tcp" };
    });
  }
  return mappings.map((m) => {
    if (mode !== "awsvpc" && m.hostPort !== undefined && m.hostPort !== 0 && m.hostPort !== m.containerPort) {
      throw createError(
        `portMappings hostPort ${m.hostPort} differs from containerPort ${m.containerPort}; the process runtime has no port translation, so hostPort must be 0, absent or ${m.containerPort}`,
      );
    }
    return { bindIP: "0.0.0.0", containerPort: m.containerPort, hostPort: m.containerPort, protocol: m.protocol ?? "tcp" };
  });
}

function prlimitStage(ulimits: Ulimit[] | undefined, tools: HostTools): string[] {
  if (!ulimits?.length) return [];
  if (!tools.prlimit) throw createError(`ulimits need prlimit (util-linux), which is not installed`);
  const args = ulimits.map((u) => {
    if (!ULIMIT_NAMES.includes(u.name)) {
      throw createError(`ulimit name ${JSON.stringify(u.name)} is not valid; allowed: ${ULIMIT_NAMES.join(", ")}`);
    }
    if (!(u.softLimit <= u.hardLimit)) {
      throw createError(`ulimit ${u.name} softLimit ${u.softLimit} exceeds hardLimit ${u.hardLimit}`);
    }
    return `--${u.name}=${u.softLimit}:${u.hardLimit}`;
  });
  return [tools.prlimit, ...args, "--"];
}

function setprivStage(user: ResolvedUser | undefined, tools: HostTools): string[] {
  if (!user) return [];
  if (!tools.setpriv) throw createError(`user needs setpriv (util-linux), which is not installed`);
  const groups = user.name ? "--init-groups" : "--clear-groups";
  return [tools.setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, groups, "--"];
}

function enterStage(cgroupProcsFiles: string[], tools: HostTools): string[] {
  if (cgroupProcsFiles.length === 0) return [];
  return [tools.sh, "-c", ENTER_SCRIPT, "berth-enter", ...cgroupProcsFiles, "--"];
}

export interface LaunchInput {
  spec: ContainerSpec;
  id: string;
  exitFile: string;
  isolation: Isolation;
  /** cgroup.procs (v1: one per hierarchy) the container joins; empty without cgroups. */
  cgroupProcsFiles: string[];
  tools: HostTools;
  user?: ResolvedUser;
  /** An empty host directory the container's own root is built on (process-root.ts), when it has mounts. */
  rootDir?: string;
}

export interface LaunchPlan {
  argv: string[];
  env: Record<string, string>;
  /** spawn()'s cwd: the working directory without isolation; "/" when the init cds itself. */
  cwd: string;
}

export function planLaunch(input: LaunchInput): LaunchPlan {
  const { spec, id, isolation, tools } = input;
  const command = commandLine(spec);
  const dir = spec.workingDirectory || "/";
  const isolated = isolation === "namespaces";
  let namespaces: string[] = [];
  if (isolated) {
    if (!tools.unshare || !tools.mount) throw createError(`namespaces need unshare and mount (util-linux), which are not installed`);
    const net = spec.networkMode === "none" ? ["--net"] : [];
    namespaces = [tools.unshare, "--pid", "--mount", "--uts", ...net, "--propagation", "private", "--"];
    if (joinsTaskNamespace(spec)) {
      if (!tools.nsenter) throw createError(`networkMode ${spec.networkMode} in a task namespace needs nsenter (util-linux), which is not installed`);
      namespaces = [tools.nsenter, `--net=${spec.networkNamespace?.path}`, "--", ...namespaces];
    }
  }
  // awsvpc: the task's resolvers, bind-mounted in the container's own mount namespace (as `ip
  // netns exec` does with /etc/netns/<name>/resolv.conf). It runs as the container's init (PID 1
  // of its namespace) before exec'ing INIT_SCRIPT: a stage before the waiting shell would make
  // its mount child PID 1, and the namespace would die with it.
  const resolv = isolated && spec.networkMode === "awsvpc" ? spec.networkNamespace?.resolvConf : undefined;
  const dnsStage = resolv ? [tools.sh, "-c", DNS_SCRIPT, "berth-dns", tools.mount ?? "mount", resolv, "--"] : [];
  const loUp = isolated && spec.networkMode === "none" && tools.ip ? tools.ip : "";
  // Volumes, tmpfs and a read-only root: the container's own root, built in its mount namespace
  // by its init before anything else (process-root.ts).
  let root: string[] = [];
  if (needsOwnRoot(spec)) {
    if (!isolated) throw createError(`container ${spec.containerName} has volumes, tmpfs mounts or a read-only root, which the process runtime makes in a mount namespace: it needs root on Linux with util-linux`);
    if (!input.rootDir) throw createError(`container ${spec.containerName} has volumes and no directory to build its root on`);
    try {
      root = rootStage(spec, input.rootDir, tools);
    } catch (e) {
      throw createError((e as Error).message);
    }
  }
  const argv = [
    ...namespaces,
    tools.sh, "-c", WAIT_SCRIPT, "berth-wait", input.exitFile, isolated ? "none" : "group",
    ...root,
    ...dnsStage,
    tools.sh, "-c", INIT_SCRIPT, "berth-init",
    isolated ? tools.mount ?? "" : "", isolated ? containerHostname(spec, id) : "", loUp, dir,
    ...input.cgroupProcsFiles, "--",
    ...prlimitStage(spec.ulimits, tools),
    ...setprivStage(input.user, tools),
    ...command,
  ];
  return { argv, env: containerEnvironment(spec, id, isolation), cwd: isolated ? "/" : dir };
}

export interface ProbeInput {
  probe: HealthProbe;
  spec: ContainerSpec;
  id: string;
  isolation: Isolation;
  /** Host pid of the container's init, whose namespaces the probe joins. */
  initPid: number;
  cgroupProcsFiles: string[];
  tools: HostTools;
  user?: ResolvedUser;
}

/** A health probe runs like `docker exec`: in the container's namespaces, cgroups, env and dir. */
export function planProbe(input: ProbeInput): LaunchPlan {
  const { spec, tools } = input;
  const dir = spec.workingDirectory || "/";
  const isolated = input.isolation === "namespaces";
  const probeArgv = input.probe.kind === "shell" ? ["/bin/sh", "-c", input.probe.script] : input.probe.argv;
  let join: string[] = [];
  if (isolated) {
    if (!tools.nsenter) throw createError(`health checks in namespaces need nsenter (util-linux), which is not installed`);
    const net = ownsNetwork(spec) ? ["--net"] : [];
    // A container with its own root (process-root.ts): the probe sees it too.
    const root = needsOwnRoot(spec) ? ["--root"] : [];
    join = [tools.nsenter, `--target=${input.initPid}`, "--pid", "--mount", "--uts", ...net, ...root, `--wd=${dir}`, "--"];
  }
  const argv = [
    ...enterStage(input.cgroupProcsFiles, tools),
    ...join,
    ...setprivStage(input.user, tools),
    ...probeArgv,
  ];
  return { argv, env: containerEnvironment(spec, input.id, input.isolation), cwd: isolated ? "/" : dir };
}
