// A terminal for tests: a detached tmux session on its own socket, whose screen is read back
// with capture-pane. Shows what a person sees: lines redrawn in place, not appended.
import { execFileSync, spawnSync } from "node:child_process";

export function tmuxMissing(): string | false {
  const res = spawnSync("tmux", ["-V"], { encoding: "utf8" });
  return res.status === 0 ? false : "tmux is not installed (apt-get install -y tmux); the terminal tests need it";
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export class Terminal {
  readonly socket = `berth-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  #windows = 0;

  /** Runs `argv` (with `env`) in a new window of a 120×40 terminal; returns its target. */
  open(argv: readonly string[], env: Record<string, string>): string {
    const command = `env ${Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`).join(" ")} ${argv.map(quote).join(" ")}; echo "EXIT=$?"; sleep 600`;
    const name = `w${this.#windows++}`;
    if (this.#windows === 1) {
      this.tmux(["-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-s", "t", "-n", name, command]);
    } else {
      this.tmux(["new-window", "-d", "-t", "t", "-n", name, command]);
    }
    return `t:${name}`;
  }

  /** The visible screen of a window, trailing blank lines dropped. */
  screen(target: string): string {
    return this.tmux(["capture-pane", "-p", "-t", target]).replace(/\s+$/, "");
  }

  /** Polls the screen until `check` holds; returns every distinct screen seen on the way. */
  async until(target: string, check: (screen: string) => boolean, ms = 60_000): Promise<string[]> {
    const seen: string[] = [];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const s = this.screen(target);
      if (seen[seen.length - 1] !== s) seen.push(s);
      if (check(s)) return seen;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`the terminal never showed what was expected; last screen:\n${seen[seen.length - 1] ?? ""}`);
  }

  close(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"]);
  }

  private tmux(args: readonly string[]): string {
    const env = { ...process.env };
    delete env.TMUX;
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8", env });
  }
}
