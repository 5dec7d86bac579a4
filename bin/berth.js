#!/usr/bin/env node
// Runs berth: the bundle in dist/ (`npm run build`; `npm ci` runs it) while it is current, else
// the TypeScript sources through tsx's loader, so an edited clone never runs stale code.
import { existsSync, readFileSync } from "node:fs";
import { newestSource } from "../scripts/sources.mjs";

// berth pins its AWS SDK through package-lock.json; the SDK's notice about future Node.js
// versions is noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const dist = new URL("../dist/", import.meta.url);
const src = new URL("../src", import.meta.url);

function bundleIsCurrent() {
  const stampFile = new URL("source-stamp.json", dist);
  if (!existsSync(stampFile) || process.env.BERTH_FROM_SOURCE === "1") return false;
  if (!existsSync(src)) return true; // an installed package ships dist/ alone
  const { newestSourceMs } = JSON.parse(readFileSync(stampFile, "utf8"));
  return newestSource(src.pathname) <= newestSourceMs;
}

if (bundleIsCurrent()) {
  await import(new URL("main.js", dist).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
