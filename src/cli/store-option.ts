// `--store` and `--store-prefix`: which Store a command opens. Without --store it is the SQLite
// file in --data-dir (berth.db); `--store etcd://…` is an etcd cluster (docs/etcd.md).
import { Option, type Command } from "commander";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { isEtcdUrl, openEtcdStore, openSqliteStore, parseEtcdUrl, type EtcdConnection, type Store } from "../store/index.js";
import { usageError } from "./errors.js";

export interface StoreFlags {
  store?: string;
  storePrefix?: string;
}

export function withStoreFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option("--store <url>", "keep state in etcd: etcd://host:port[,host:port…][/prefix] (TLS, auth: docs/etcd.md); default: SQLite in --data-dir"))
    .addOption(new Option("--store-prefix <prefix>", "the key prefix in etcd, so that several berths can share one (default: the URL's path, else berth)"));
}

/** The etcd to use, or undefined for SQLite; a usage error names what is wrong. */
export function etcdConnectionOf(flags: StoreFlags): EtcdConnection | undefined {
  if (flags.store === undefined) {
    if (flags.storePrefix !== undefined) throw usageError("--store-prefix goes with --store etcd://…");
    return undefined;
  }
  if (!isEtcdUrl(flags.store)) throw usageError(`--store takes an etcd://host:port URL, got ${JSON.stringify(flags.store)} (SQLite, the default, needs no --store)`);
  try {
    const connection = parseEtcdUrl(flags.store);
    if (flags.storePrefix !== undefined) {
      const prefix = flags.storePrefix.replace(/^\/+|\/+$/g, "");
      if (prefix === "") throw new RangeError("--store-prefix must not be empty");
      connection.prefix = prefix;
    }
    return connection;
  } catch (err) {
    throw err instanceof RangeError ? usageError(err.message) : err;
  }
}

/** Opens the store the flags name: etcd, or the SQLite file of `dataDir` (created if absent). */
export async function openStoreOf(flags: StoreFlags, dataDir: string): Promise<Store> {
  const etcd = etcdConnectionOf(flags);
  if (etcd) return openEtcdStore(etcd);
  mkdirSync(resolve(dataDir), { recursive: true });
  return openSqliteStore({ path: join(resolve(dataDir), "berth.db") });
}

/** How the store is named in a server's first line. */
export function describeStore(flags: StoreFlags, dataDir: string): string {
  const etcd = etcdConnectionOf(flags);
  return etcd ? `etcd ${etcd.endpoints.join(",")} prefix /${etcd.prefix}/ (local files in ${resolve(dataDir)})` : `data in ${resolve(dataDir)}`;
}
