// `--store etcd://…`: where berth's etcd is and how to talk to it, parsed into open options.
//
//   etcd://[user[:password]@]host:port[,host:port…][/prefix][?cacert=F&cert=F&key=F&user=U&password=P]
//
// A `cacert` turns TLS on (https to every member, the server checked against that CA); `cert`
// and `key` add a client certificate. `user` (and the password, also from BERTH_ETCD_PASSWORD so
// that it need not sit in a process listing) turns on etcd's authentication. The path is the
// key prefix under which this berth keeps its keys, so that several berths can share one etcd.
// The WHATWG URL parser cannot read a comma list of hosts, hence this small parser.

export interface EtcdConnection {
  /** http(s)://host:port of each member. */
  endpoints: string[];
  /** The key prefix of this berth, without slashes at either end ("berth" when none is given). */
  prefix: string;
  tls?: { caFile: string; certFile?: string; keyFile?: string };
  auth?: { username: string; password: string };
}

export const DEFAULT_ETCD_PREFIX = "berth";

export function isEtcdUrl(store: string): boolean {
  return /^etcd:\/\//i.test(store);
}

/** Parses an etcd:// store URL; throws a RangeError naming what is wrong. */
export function parseEtcdUrl(url: string, env: Record<string, string | undefined> = process.env): EtcdConnection {
  const m = /^etcd:\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/i.exec(url);
  if (!m) throw new RangeError(`--store ${JSON.stringify(url)} is not an etcd URL: use etcd://host:port[,host:port…][/prefix]`);
  let authority = m[1] ?? "";
  const query = new URLSearchParams(m[3] ?? "");
  let username = query.get("user") ?? undefined;
  let password = query.get("password") ?? undefined;
  const at = authority.lastIndexOf("@");
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = userinfo.indexOf(":");
    username = decodeURIComponent(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
    if (colon >= 0) password = decodeURIComponent(userinfo.slice(colon + 1));
  }
  for (const name of query.keys()) {
    if (!["cacert", "cert", "key", "user", "password"].includes(name)) {
      throw new RangeError(`--store: unknown etcd option ${JSON.stringify(name)}: use cacert, cert, key, user or password`);
    }
  }
  const caFile = query.get("cacert") ?? undefined;
  const certFile = query.get("cert") ?? undefined;
  const keyFile = query.get("key") ?? undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) throw new RangeError("--store: etcd client TLS needs both cert= and key=");
  if (certFile !== undefined && caFile === undefined) throw new RangeError("--store: a client certificate needs cacert= (TLS) too");
  const scheme = caFile !== undefined ? "https" : "http";
  const hosts = authority.split(",").map((h) => h.trim());
  if (hosts.length === 0 || hosts.some((h) => !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(h))) {
    throw new RangeError(`--store ${JSON.stringify(url)}: every etcd member must be host:port (comma-separated), got ${JSON.stringify(authority)}`);
  }
  const prefix = decodeURIComponent(m[2] ?? "").replace(/^\/+|\/+$/g, "");
  password ??= env.BERTH_ETCD_PASSWORD;
  if (password !== undefined && username === undefined) throw new RangeError("--store: an etcd password needs a user");
  return {
    endpoints: hosts.map((h) => `${scheme}://${h}`),
    prefix: prefix === "" ? DEFAULT_ETCD_PREFIX : prefix,
    ...(caFile !== undefined ? { tls: { caFile, ...(certFile !== undefined ? { certFile, keyFile: keyFile! } : {}) } } : {}),
    ...(username !== undefined ? { auth: { username, password: password ?? "" } } : {}),
  };
}
