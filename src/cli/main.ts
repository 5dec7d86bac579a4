// The `berth` command's entry. `berth agent ...` takes a path of its own: a node agent is a
// long-lived daemon on every host, and its resident memory is a target, so it loads the agent
// and commander only — not the client commands, the AWS SDK or the control plane.
const argv = process.argv;
if (argv[2] === "agent") {
  const { runAgentOnly } = await import("./agent-main.js");
  await runAgentOnly(argv);
} else {
  const { runCli } = await import("./cli-main.js");
  await runCli(argv);
}
