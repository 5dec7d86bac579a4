// `berth store export` and `berth store import`: a store's keys as JSON lines (store-transfer.ts
// has the format), to move a control plane between SQLite and etcd or between etcd clusters.
// Run them with the servers stopped: SQLite's file is locked by its server (the export then
// fails), and an etcd export taken while servers write is a consistent snapshot of one moment,
// which the servers then move past.
import { Command, Option } from "commander";
import { usageError } from "./errors.js";
import { openStoreOf, withStoreFlags, type StoreFlags } from "./store-option.js";
import { exportLines, importBatches, parseExport } from "./store-transfer.js";

interface TransferFlags extends StoreFlags {
  dataDir: string;
  force?: boolean;
}

const DEFAULT_DATA_DIR = "./.berth";

function withTransferFlags(cmd: Command): Command {
  return withStoreFlags(cmd).addOption(new Option("--data-dir <dir>", "the SQLite store's data directory, when no --store is given").default(DEFAULT_DATA_DIR));
}

export function storeCommand(): Command {
  const store = new Command("store")
    .description("Move a control plane's state: export a store to JSON lines, import it into another.")
    .addHelpText("after", "\nExample:\n  berth store export --data-dir ./.berth | berth store import --store etcd://10.0.0.1:2379\n");
  store.addCommand(
    withTransferFlags(new Command("export"))
      .description("Write every key of the store to stdout as JSON lines (the servers should be stopped).")
      .addHelpText("after", "\nExample:\n  berth store export --data-dir /var/lib/berth > berth.jsonl\n")
      .action(async (flags: TransferFlags) => {
        const source = await openStoreOf(flags, flags.dataDir);
        try {
          // One read: a snapshot at one revision.
          const { kvs, revision } = await source.range("");
          for (const line of exportLines(kvs, revision)) {
            if (!process.stdout.write(`${line}\n`)) await new Promise((r) => process.stdout.once("drain", r));
          }
          process.stderr.write(`exported ${kvs.length} keys at revision ${revision}\n`);
        } finally {
          await source.close();
        }
      }),
  );
  store.addCommand(
    withTransferFlags(new Command("import"))
      .description("Write the keys of an export (stdin) into an empty store, in the order they were written.")
      .addOption(new Option("--force", "replace whatever the target store holds (its keys are deleted first)"))
      .addHelpText("after", "\nExample:\n  berth store import --store etcd://10.0.0.1:2379,10.0.0.2:2379,10.0.0.3:2379 < berth.jsonl\n")
      .action(async (flags: TransferFlags) => {
        const text = await readStdin();
        let parsed: ReturnType<typeof parseExport>;
        try {
          parsed = parseExport(text);
        } catch (err) {
          throw usageError(`stdin: ${(err as Error).message}`);
        }
        const target = await openStoreOf(flags, flags.dataDir);
        try {
          const present = await target.range("", { limit: 1 });
          if (present.kvs.length > 0) {
            if (!flags.force) throw usageError(`the target store is not empty (it is at revision ${present.revision}): import into an empty one, or pass --force to replace its keys`);
            await target.txn({ success: [{ kind: "deletePrefix", prefix: "" }] });
          }
          const batches = importBatches(parsed.kvs);
          for (const ops of batches) await target.txn({ success: ops });
          process.stderr.write(
            `imported ${parsed.kvs.length} keys (source revision ${parsed.header.revision}) in ${batches.length} transactions; the store is at revision ${await target.revision()}\n`,
          );
        } finally {
          await target.close();
        }
      }),
  );
  return store;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
