// How waiting is shown, as pure functions of what is known and the clock: on a terminal one line
// rewritten in place (a spinner, the time waited, the reason); in a pipe, plain lines only when
// something changes, and a "still waiting" line after STILL_WAITING_EVERY_MS of silence, so a log
// or CI job shows the command is alive and why.
import { formatDuration } from "./format.js";
import { visibleWidth, type Style } from "./style.js";
import { clipPlain } from "./table.js";
import type { WaitReason } from "./wait-reason.js";

/** A pipe hears from a waiting command at least this often. */
export const STILL_WAITING_EVERY_MS = 20_000;

/** ASCII, so every terminal and font shows it. */
const FRAMES = ["|", "/", "-", "\\"] as const;

export interface PipeState {
  progress?: string;
  reasonKey?: string;
  /** When the last "waiting" or "still waiting" line was printed. */
  saidAt?: number;
}

/**
 * The lines a pipe gets now: the progress line when it changes; the reason when its cause changes
 * (its key, not a countdown in its text); otherwise "still waiting" once the reason has not been
 * said for STILL_WAITING_EVERY_MS, even while progress lines flow (a crash loop changes the
 * failed count at every poll, and the reason must not scroll out of sight).
 */
export function pipeLines(prev: PipeState, progress: string, reason: WaitReason | undefined, now: number, startedAt: number): { lines: string[]; state: PipeState } {
  const lines: string[] = [];
  const waited = formatDuration(now - startedAt);
  if (progress !== prev.progress) lines.push(progress);
  let said = false;
  if (reason && reason.key !== prev.reasonKey) {
    lines.push(`waiting (${waited}): ${reason.text}`);
    said = true;
  } else if (now - (prev.saidAt ?? startedAt) >= STILL_WAITING_EVERY_MS) {
    lines.push(`still waiting (${waited})${reason ? `: ${reason.text}` : ""}`);
    said = true;
  }
  const reasonKey = reason?.key ?? prev.reasonKey;
  const saidAt = said ? now : prev.saidAt;
  return { lines, state: { progress, ...(reasonKey !== undefined ? { reasonKey } : {}), ...(saidAt !== undefined ? { saidAt } : {}) } };
}

/** The terminal's live line: "| waiting 1m20s: <reason>", never wider than the terminal. */
export function spinnerLine(tick: number, elapsedMs: number, reason: WaitReason | undefined, columns: number, s: Style): string {
  const head = `${FRAMES[tick % FRAMES.length]} waiting ${formatDuration(elapsedMs)}`;
  if (!reason) return s.yellow(head);
  // One column short of the width: a line that exactly fills it wraps on some terminals.
  const room = columns - 1 - visibleWidth(head) - 2;
  return `${s.yellow(head)}: ${clipPlain(reason.text, Math.max(10, room))}`;
}
