// What the host offers the process runtime: helper programs, whether it may isolate, and the
// checks runc would do before exec (executable found, working directory present).
import { constants } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import type { CgroupLayout } from "./cgroups.js";
import { detectCgroups } from "./cgroup-controller.js";
import { ContainerError } from "./errors.js";
import type { HostTools, Isolation } from "./process-launch.js";
import { resolveUser, type ResolvedUser } from "./user-spec.js";

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a program up the way execvp does; undefined when not found. */
export async function findExecutable(name: string, pathVar: string, cwd: string): Promise<string | undefined> {
  if (name.includes("/")) {
    const full = isAbsolute(name) ? name : resolve(cwd, name);
    return (await isExecutableFile(full)) ? full : undefined;
  }
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, name);
    if (await isExecutableFile(full)) return full;
  }
  return undefined;
}

const HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export async function detectHostTools(): Promise<HostTools> {
  const path = [process.env.PATH ?? "", HOST_PATH].join(delimiter);
  const find = (n: string) => findExecutable(n, path, "/");
  const [sh, unshare, nsenter, mount, prlimit, setpriv, ip, umount, chroot] = await Promise.all(
    ["sh", "unshare", "nsenter", "mount", "prlimit", "setpriv", "ip", "umount", "chroot"].map(find),
  );
  return {
    sh: (await isExecutableFile("/bin/sh")) ? "/bin/sh" : sh ?? "/bin/sh",
    ...(unshare ? { unshare } : {}),
    ...(nsenter ? { nsenter } : {}),
    ...(mount ? { mount } : {}),
    ...(prlimit ? { prlimit } : {}),
    ...(setpriv ? { setpriv } : {}),
    ...(ip ? { ip } : {}),
    ...(umount ? { umount } : {}),
    ...(chroot ? { chroot } : {}),
  };
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Whether namespaces are possible here, and if not, why. */
export function namespaceSupport(tools: HostTools): { isolation: Isolation; reason?: string } {
  if (process.platform !== "linux") return { isolation: "none", reason: `namespaces exist only on Linux; this is ${process.platform}` };
  if (!isRoot()) return { isolation: "none", reason: "namespaces and cgroups need root; the agent runs as uid " + process.getuid?.() };
  const missing = (["unshare", "nsenter", "mount"] as const).filter((t) => !tools[t]);
  if (missing.length) return { isolation: "none", reason: `namespaces need ${missing.join(", ")} (util-linux), not found in PATH` };
  return { isolation: "namespaces" };
}

/** Resolves spec.user against the host's passwd and group (the process runtime has no image). */
export async function resolveContainerUser(user: string | undefined): Promise<ResolvedUser | undefined> {
  if (!user) return undefined;
  const [passwd, group] = await Promise.all([
    readFile("/etc/passwd", "utf8").catch(() => ""),
    readFile("/etc/group", "utf8").catch(() => ""),
  ]);
  let resolved: ResolvedUser;
  try {
    resolved = resolveUser(user, passwd, group);
  } catch (e) {
    throw new ContainerError("CannotCreateContainerError", (e as Error).message);
  }
  const uid = process.getuid?.();
  if (!isRoot()) {
    if (resolved.uid === uid) return undefined; // already that user: nothing to switch
    throw new ContainerError("CannotCreateContainerError", `user ${JSON.stringify(user)} (uid ${resolved.uid}) needs an agent running as root; it runs as uid ${uid}`);
  }
  return resolved;
}

/** runc's checks before exec, with its wording, so a bad command fails start like Docker does. */
export async function checkRunnable(command: string, env: Record<string, string>, workingDirectory: string): Promise<void> {
  const dir = await stat(workingDirectory).catch(() => undefined);
  if (!dir?.isDirectory()) {
    throw new ContainerError("CannotStartContainerError", `workingDirectory ${workingDirectory}: no such directory on this host (the process runtime uses the host's filesystem)`);
  }
  const found = await findExecutable(command, env.PATH ?? "", workingDirectory);
  if (!found) {
    throw new ContainerError(
      "CannotStartContainerError",
      command.includes("/")
        ? `exec: "${command}": stat ${command}: no such file or directory`
        : `exec: "${command}": executable file not found in $PATH`,
    );
  }
}

export interface ProcessHost {
  tools: HostTools;
  isolation: Isolation;
  isolationReason?: string;
  cgroups?: CgroupLayout;
  cgroupReason?: string;
}

/** What isolation the process runtime gets here, and why not more; "namespaces" fails when impossible. */
export async function detectProcessHost(options: { isolation?: "auto" | Isolation; cgroups?: "auto" | "none" } = {}): Promise<ProcessHost> {
  const tools = await detectHostTools();
  const support = namespaceSupport(tools);
  let isolation = support.isolation;
  if (options.isolation === "namespaces" && isolation !== "namespaces") {
    throw new Error(`process runtime isolation "namespaces" is not available: ${support.reason}`);
  }
  if (options.isolation === "none") isolation = "none";
  const host: ProcessHost = { tools, isolation, ...(support.reason ? { isolationReason: support.reason } : {}) };
  if (options.cgroups !== "none") {
    const layout = isRoot() ? await detectCgroups() : { unavailable: "cgroups need root" };
    if ("unavailable" in layout) host.cgroupReason = layout.unavailable;
    else host.cgroups = layout;
  } else host.cgroupReason = "disabled by configuration";
  return host;
}
