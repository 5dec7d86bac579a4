// The newest modification time among berth's TypeScript sources, for bin/berth.js and the build
// to agree on whether dist/ is current. Plain JavaScript: it runs before anything is built.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}
