// The process runtime keeps a container's secret values in memory only: they reach the
// command's environment, never the container's record in the state dir, and a driver that did
// not create the container (an agent restart) gets them again from start().
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { after, describe, it } from "node:test";
import { createProcessDriver, type ProcessDriver } from "./process-driver.js";

const dirs: string[] = [];
let restarted: ProcessDriver | undefined;
after(async () => {
  if (restarted) await Promise.all((await restarted.list()).map((c) => restarted!.remove(c.id)));
  await restarted?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function stateText(dir: string): Promise<string> {
  let text = "";
  for (const name of await readdir(dir, { recursive: true })) text += await readFile(join(dir, name), "utf8").catch(() => "");
  return text;
}

const digest = (v: string) => createHash("sha256").update(v).digest("hex").slice(0, 16);

async function seen(path: string): Promise<string[]> {
  return (await readFile(path, "utf8")).split("\n").filter(Boolean);
}

describe("process driver: secret environment", () => {
  it("reaches the command, not the state dir; a new driver gets it from start()", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "berth-process-secrets-"));
    dirs.push(stateDir);
    // The command writes a digest of the value (never the value) to a file outside the state dir.
    const out = join(await mkdtemp(join(tmpdir(), "berth-process-secrets-out-")), "seen");
    dirs.push(dirname(out));
    const d = await createProcessDriver({ stateDir, isolation: "none", cgroups: "none" });
    const id = await d.createContainer({
      taskArn: "arn:aws:ecs:us-east-1:000000000000:task/p/1",
      taskId: "1",
      containerName: "app",
      image: "recorded/only:1",
      networkMode: "host",
      command: ["sh", "-c", 'echo "plain=$PLAIN secret=$(printf %s "$TOKEN" | sha256sum | cut -c1-16)" >> "$OUT"'],
      environment: { PLAIN: "p", TOKEN: "overridden", OUT: out },
      secretEnvironment: { TOKEN: "s3cr3t-value-xyz" },
    });
    await d.start(id);
    await d.wait(id);
    assert.deepEqual(await seen(out), [`plain=p secret=${digest("s3cr3t-value-xyz")}`]);
    assert.ok(!(await stateText(stateDir)).includes("s3cr3t-value-xyz"));
    await d.close();

    // A restarted agent: the record has no value; start() hands it again.
    const again = await createProcessDriver({ stateDir, isolation: "none", cgroups: "none" });
    restarted = again;
    await again.start(id, { secretEnvironment: { TOKEN: "second-run-value" } });
    await again.wait(id);
    assert.deepEqual(await seen(out), [`plain=p secret=${digest("s3cr3t-value-xyz")}`, `plain=p secret=${digest("second-run-value")}`]);
    assert.ok(!(await stateText(stateDir)).includes("second-run-value"));
  });
});
