// The console's page assets, served from src/console/static as they are: plain ES modules and
// one stylesheet, no build step. Files are read once, gzipped once, and sent with an ETag so a
// reload costs a 304.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

interface Asset {
  type: string;
  raw: Buffer;
  gzip: Buffer;
  etag: string;
}

/**
 * Where the assets are: beside this module when it runs from src/ (tsx), or in src/console/static
 * of the checkout when it runs from the esbuild bundle in dist/ (or dist/chunks/).
 */
export function staticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "static"), resolve(here, "../src/console/static"), resolve(here, "../../src/console/static")];
  const found = candidates.find((d) => existsSync(join(d, "index.html")));
  if (!found) throw new Error(`the console's assets are not in any of ${candidates.join(", ")}`);
  return found;
}

export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const raw = readFileSync(join(dir, name));
    assets.set(name, { type, raw, gzip: gzipSync(raw, { level: 9 }), etag: `"${createHash("sha256").update(raw).digest("base64url").slice(0, 16)}"` });
  }
  return assets;
}

export function sendAsset(req: IncomingMessage, res: ServerResponse, asset: Asset): void {
  const headers: Record<string, string> = {
    "Content-Type": asset.type,
    ETag: asset.etag,
    // Revalidate each time: assets change with berth's version, and a 304 is cheap.
    "Cache-Control": "no-cache",
    Vary: "Accept-Encoding",
    "X-Content-Type-Options": "nosniff",
  };
  if (req.headers["if-none-match"] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  const body = gzip ? asset.gzip : asset.raw;
  if (gzip) headers["Content-Encoding"] = "gzip";
  headers["Content-Length"] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}
