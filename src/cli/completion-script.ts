// Shell completion scripts, generated from the command tree so they never fall behind it. Bash
// gets a completion function; zsh loads the same function through bashcompinit. Pure: the tree
// in, the script out.

export interface CompletionNode {
  /** Space-separated command path: "", "get", "rollout status". */
  path: string;
  subcommands: string[];
  /** Every flag spelling: --output, -o. */
  flags: string[];
  /** Flags that take a value (their next word is not a command or argument). */
  valueFlags: string[];
}

/** What the positional arguments of a command path complete to. */
export interface ArgumentRule {
  path: string;
  /** Argument position (0 = first). */
  position: number;
  /** Fixed words, or "@services" / "@tasks" / "@clusters" / "@taskdefs" for names from the server. */
  words: string;
  /** Only when the previous argument is one of these (e.g. describe service NAME). */
  after?: string[];
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

const DYNAMIC: Record<string, string> = {
  "@services": "services",
  "@tasks": "tasks",
  "@clusters": "clusters",
  "@taskdefs": "taskdefs",
  "@instances": "instances",
};

export function bashScript(nodes: readonly CompletionNode[], rules: readonly ArgumentRule[], valueWords: Record<string, string>): string {
  const caseNodes = nodes
    .map((n) => `    ${quote(n.path)}) subs=${quote(n.subcommands.join(" "))}; flags=${quote(n.flags.join(" "))}; valued=${quote(` ${n.valueFlags.join(" ")} `)} ;;`)
    .join("\n");
  const caseRules = rules
    .map((r) => {
      const cond = r.after ? ` && " ${r.after.join(" ")} " == *" $lastarg "*` : "";
      const action = r.words.startsWith("@")
        ? `words=$(_berth_names ${DYNAMIC[r.words] ?? "services"})`
        : `words=${quote(r.words)}`;
      return `  if [[ "$path" == ${quote(r.path)} && $npos -eq ${r.position}${cond} ]]; then ${action}; fi`;
    })
    .join("\n");
  const caseValues = Object.entries(valueWords)
    .map(([flag, words]) =>
      words === "@files"
        ? `    ${flag}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`
        : words.startsWith("@")
          ? `    ${flag}) COMPREPLY=($(compgen -W "$(_berth_names ${DYNAMIC[words] ?? "clusters"})" -- "$cur")); return ;;`
          : `    ${flag}) COMPREPLY=($(compgen -W ${quote(words)} -- "$cur")); return ;;`,
    )
    .join("\n");
  return `# berth shell completion (bash). Load it with:  source <(berth completion bash)
_berth_names() {
  berth get "$1" -o name "\${_berth_globals[@]}" 2>/dev/null | sed 's#^[^/]*/##'
}

_berth_node() {
  case "$1" in
${caseNodes}
    *) subs=''; flags=''; valued=' ' ;;
  esac
}

_berth() {
  local cur prev path="" subs flags valued words="" lastarg="" npos=0 i w
  local -a _berth_globals=()
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  _berth_node ""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ "$w" == --endpoint || "$w" == --cluster || "$w" == --region || "$w" == --profile ]]; then
      _berth_globals+=("$w" "\${COMP_WORDS[i+1]}")
    fi
    if [[ "$w" == -* ]]; then
      [[ "$valued" == *" $w "* ]] && ((i++))
      continue
    fi
    if [[ " $subs " == *" $w "* ]]; then
      path="\${path:+$path }$w"
      _berth_node "$path"
    else
      lastarg="$w"
      ((npos++))
    fi
  done
  case "$prev" in
${caseValues}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  if [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    return
  fi
${caseRules}
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _berth berth
`;
}

export function zshScript(bash: string): string {
  return `#compdef berth
# berth shell completion (zsh), through bash's completion function. Load it with:
#   source <(berth completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bash.split("\n").slice(1).join("\n")}`;
}
