// The layers of docs/design.md as data: each may import only the layers listed below it.
// `npm run lint` fails on an upward import, on a cycle, and on reaching into another layer's
// internals instead of its index.ts.
const layers = {
  cli: ["api", "domain", "controllers", "placement", "store", "model", "agent", "runtime", "network", "k8s", "client"],
  api: ["domain", "controllers", "placement", "store", "model", "console"],
  domain: ["controllers", "placement", "store", "model", "loadbalancer"],
  // the load balancer controller decides the data plane's specs in its shapes
  controllers: ["placement", "store", "model", "loadbalancer"],
  placement: ["model"],
  store: ["model"],
  model: [],
  agent: ["runtime", "network", "model", "client"],
  client: ["model"],
  runtime: ["network", "model"],
  network: ["model"],
  k8s: ["model", "placement"],
  // the load balancer's data plane; the control plane and `berth up` run it
  loadbalancer: ["model"],
  // the web console's server side: its assets, and the cache's watch pushed to pages; the page
  // reads data through the API like any client, so the console needs nothing above the store
  console: ["store", "model"],
};

const forbidden = Object.entries(layers).map(([layer, allowed]) => ({
  name: `${layer}-imports-downward-only`,
  comment: `src/${layer} may import only: ${allowed.join(", ") || "nothing else in src"}`,
  severity: "error",
  from: { path: `^src/${layer}/` },
  to: {
    path: "^src/([^/]+)/",
    pathNot: [`^src/${layer}/`, ...allowed.map((a) => `^src/${a}/`)],
  },
}));

module.exports = {
  forbidden: [
    ...forbidden,
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
    {
      name: "through-the-index",
      comment: "another layer is used through its index.ts, never its internals",
      severity: "error",
      from: { path: "^src/([^/]+)/" },
      to: { path: "^src/([^/]+)/.+", pathNot: ["^src/$1/", "^src/[^/]+/index\\.ts$", "\\.generated\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$" },
    // TypeScript 7 ships no compiler API for dependency-cruiser to parse with; swc parses instead.
    parser: "swc",
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
