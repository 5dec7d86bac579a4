// Bundles berth's CLI to dist/ with esbuild: plain JavaScript, split at the CLI's dynamic
// imports so that each command loads only its own code (the node agent's resident memory is
// a target). Packages stay in node_modules. bin/berth.js runs the bundle while it is at least
// as new as every source file, and the TypeScript sources through tsx otherwise.
import { build } from "esbuild";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { newestSource } from "./sources.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = `${root}dist`;
rmSync(outdir, { recursive: true, force: true });
const stamp = newestSource(`${root}src`);
await build({
  entryPoints: [`${root}src/cli/main.ts`],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  outdir,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
// What the bundle was built from: bin/berth.js compares it with the sources it finds.
writeFileSync(`${outdir}/source-stamp.json`, JSON.stringify({ newestSourceMs: stamp }));
