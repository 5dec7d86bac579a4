// A file system's metered size: the bytes of the regular files under its directory. EFS says
// its size is "the latest known metered size", not an exact live count; berth walks at most
// MAX_ENTRIES entries per answer so a describe never turns into an unbounded walk.
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

const MAX_ENTRIES = 10_000;

export function directorySize(root: string): number {
  let total = 0;
  let seen = 0;
  const stack = [root];
  while (stack.length > 0 && seen < MAX_ENTRIES) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (++seen > MAX_ENTRIES) break;
      try {
        const st = lstatSync(join(dir, name));
        if (st.isDirectory()) stack.push(join(dir, name));
        else if (st.isFile()) total += st.size;
      } catch {
        // Gone since it was listed: a task removed it.
      }
    }
  }
  return total;
}
