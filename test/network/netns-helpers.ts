// Helpers of the network tests against the real kernel (root only).
import { spawnSync } from "node:child_process";
import { namespaceName } from "../../src/network/index.js";

/** Runs a command inside a task's namespace; its exit code and output. */
export function inNamespace(taskId: string, argv: string[]): { code: number | null; out: string } {
  const r = spawnSync("ip", ["netns", "exec", namespaceName(taskId), ...argv], { encoding: "utf8", timeout: 20_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Packets BERTH-FORWARD dropped from a berth bridge toward another interface (its rule's counter). */
export function forwardDrops(): number {
  const out = spawnSync("iptables", ["-w", "-L", "BERTH-FORWARD", "-v", "-x", "-n"], { encoding: "utf8" }).stdout;
  const line = out.split("\n").find((l) => /DROP/.test(l) && /bbr-\+\s+\*/.test(l));
  return Number(line?.trim().split(/\s+/)[0] ?? NaN);
}
