// Small formatting helpers shared by the views: names out of ARNs, ages, counts.
import type { TaskDefinition } from "@aws-sdk/client-ecs";

/** The last path segment of an ARN (`.../service/default/web` → `web`), or the input. */
export function lastSegment(arnOrName: string | undefined): string {
  if (!arnOrName) return "";
  const i = arnOrName.lastIndexOf("/");
  return i < 0 ? arnOrName : arnOrName.slice(i + 1);
}

/** `arn:...:task-definition/web:3` → `web:3`. */
export function taskDefName(arn: string | undefined): string {
  return lastSegment(arn);
}

/** A task's or instance's id: the last segment of its ARN. */
export const shortId = lastSegment;

/** A duration as kubectl prints ages: 42s, 5m12s, 17m, 3h4m, 9h, 2d3h, 12d. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 10) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 10) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  return `${d}d`;
}

/** Age of a timestamp at `now`, or "" if there is none. */
export function age(at: Date | number | string | undefined, now: number): string {
  if (at === undefined || at === null) return "";
  const t = at instanceof Date ? at.getTime() : typeof at === "number" ? at : Date.parse(at);
  return Number.isFinite(t) ? formatDuration(now - t) : "";
}

/** Local time of day, HH:MM:SS. */
export function clock(at: Date | number | undefined): string {
  if (at === undefined) return "";
  const d = at instanceof Date ? at : new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/**
 * A task definition's CPU units or memory MiB: the task-level value, else the sum of what its
 * containers set (memory: the hard limit, else the soft reservation), marked "(sum)" because
 * ECS reserves it per container and has no task-level value to show.
 */
export function taskSize(td: TaskDefinition, what: "cpu" | "memory"): string {
  const own = td[what];
  if (own) return own;
  const each = (td.containerDefinitions ?? []).map((c) => (what === "cpu" ? c.cpu : (c.memory ?? c.memoryReservation)) ?? 0);
  const sum = each.reduce((a, b) => a + b, 0);
  return sum > 0 ? `${sum} (sum)` : "";
}

/** An optional number as a cell. */
export const num = (n: number | undefined): string => (n === undefined ? "" : String(n));

/** Parses 30s, 5m, 1h, 1h30m or plain seconds into milliseconds. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let used = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : m[2] === "m" ? n * 60_000 : n * 3_600_000;
    used += m[0].length;
  }
  return used === text.length && used > 0 ? total : undefined;
}
