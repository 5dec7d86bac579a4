// `berth completion bash|zsh|fish`: prints the completion script for the shell.
import { Argument, Command } from "commander";
import { fishScript } from "./completion-fish.js";
import { bashScript, zshScript, type ArgumentRule, type CompletionNode } from "./completion-script.js";
import { write } from "./output.js";

const KINDS = "clusters services tasks instances taskdefs deployments";

/** The tree as the script needs it. */
export function completionNodes(root: Command): CompletionNode[] {
  const out: CompletionNode[] = [];
  const walk = (cmd: Command, path: string) => {
    const flags = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
    out.push({
      path,
      subcommands: cmd.commands.map((c) => c.name()),
      flags: [...flags, "--help"],
      valueFlags: cmd.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((f): f is string => !!f)),
    });
    for (const c of cmd.commands) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(root, "");
  return out;
}

export const ARGUMENT_RULES: readonly ArgumentRule[] = [
  { path: "get", position: 0, words: KINDS },
  { path: "describe", position: 0, words: "service task instance taskdef" },
  { path: "delete", position: 0, words: "service taskdef cluster task instance" },
  { path: "get", position: 1, words: "@services", after: ["services", "service", "svc"] },
  { path: "describe", position: 1, words: "@services", after: ["service", "svc"] },
  { path: "describe", position: 1, words: "@tasks", after: ["task"] },
  { path: "describe", position: 1, words: "@taskdefs", after: ["taskdef", "td"] },
  { path: "describe", position: 1, words: "@instances", after: ["instance", "ci"] },
  { path: "delete", position: 1, words: "@services", after: ["service", "svc"] },
  { path: "delete", position: 1, words: "@taskdefs", after: ["taskdef", "td"] },
  { path: "explain", position: 0, words: "service" },
  { path: "explain", position: 1, words: "@services", after: ["service", "svc"] },
  { path: "scale", position: 0, words: "@services" },
  { path: "deploy", position: 0, words: "@services" },
  { path: "expose", position: 0, words: "@services" },
  { path: "rollout status", position: 0, words: "@services" },
  { path: "rollout undo", position: 0, words: "@services" },
  { path: "stop", position: 0, words: "@tasks" },
  { path: "logs", position: 0, words: "@tasks" },
  { path: "run", position: 0, words: "@taskdefs" },
  { path: "completion", position: 0, words: "bash zsh fish" },
];

const VALUE_WORDS: Record<string, string> = {
  "-o|--output": "json yaml wide name",
  "-f|--filename": "@files",
  "--cluster": "@clusters",
  "--to": "ecs k8s",
  "--runtime": "docker process simulated auto",
};

export function completionScript(root: Command, shell: "bash" | "zsh" | "fish"): string {
  if (shell === "fish") return fishScript(completionNodes(root), ARGUMENT_RULES, VALUE_WORDS);
  const bash = bashScript(completionNodes(root), ARGUMENT_RULES, VALUE_WORDS);
  return shell === "bash" ? bash : zshScript(bash);
}

export function completionCommand(): Command {
  return new Command("completion")
    .description("Print the shell completion script for bash, zsh or fish.")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      `
Examples:
  source <(berth completion bash)                     this shell only
  berth completion bash > /etc/bash_completion.d/berth
  echo 'source <(berth completion zsh)' >> ~/.zshrc
  berth completion fish > ~/.config/fish/completions/berth.fish
`,
    )
    .action((shell: "bash" | "zsh" | "fish", _flags: object, cmd: Command) => {
      let root = cmd;
      while (root.parent) root = root.parent;
      write(completionScript(root, shell));
    });
}
