// Child process of the durability test: writes in a loop and prints each key once its txn has
// resolved, until the parent kills it with SIGKILL.
import { openSqliteStore } from "../sqlite-store.js";

const path = process.argv[2];
if (!path) throw new Error("usage: durability-writer.ts <database path>");
// Never outlive the test: stop when the parent goes away or after a bound.
process.stdout.on("error", () => process.exit(1));
const deadline = Date.now() + 60_000;

const store = openSqliteStore({ path });
for (let i = 0; Date.now() < deadline; i++) {
  const key = `ack/${String(i).padStart(8, "0")}`;
  // Two ops per txn, so a torn transaction would show up as a key without its twin.
  await store.txn({
    success: [
      { kind: "put", key, value: JSON.stringify({ i }) },
      { kind: "put", key: `twin/${key}`, value: "1" },
    ],
  });
  process.stdout.write(`${key}\n`);
  // A resolved txn only yields to microtasks; let the event loop flush stdout, as a server's
  // loop would between requests.
  await new Promise((resolve) => setImmediate(resolve));
}
process.exit(0);
