// Runs `berth server` as a real child process, as users and CI do.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BERTH_BIN = fileURLToPath(new URL("../../bin/berth.js", import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnServer(dataDir: string, extra: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BERTH_BIN, "server", "--port", "0", "--data-dir", dataDir, ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, BERTH_LOG_LEVEL: "warn" },
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      // A server that never said it listens is still a process of this test: end it.
      child.kill("SIGKILL");
      reject(new Error(`berth server did not start in 30 s: ${stderr}`));
    }, 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`berth server exited with ${code}: ${stderr}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    url,
    child,
    stop(signal = "SIGTERM") {
      child.kill(signal);
      return exited;
    },
  };
}
