// The fish completion script, generated from the same command tree, argument rules and flag
// values as bash's (completion-script.ts), and walking the words the same way: fish cannot load
// bash's function, so the walk is written again in fish. Pure: the tree in, the script out.
import type { ArgumentRule, CompletionNode } from "./completion-script.js";

/** A fish single-quoted word: only \ and ' are special inside. */
const word = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
const words = (list: string) => list.split(/\s+/).filter(Boolean).map(word).join(" ");

/** What "@services" and the like ask the server for. */
const dynamic = (w: string) => `(__berth_names ${w.slice(1)})`;

export function fishScript(nodes: readonly CompletionNode[], rules: readonly ArgumentRule[], valueWords: Record<string, string>): string {
  const nodeCases = nodes
    .map((n) =>
      [
        `        case ${word(n.path)}`,
        `            set -g __berth_subs ${words(n.subcommands.join(" "))}`,
        `            set -g __berth_flags ${words(n.flags.join(" "))}`,
        `            set -g __berth_valued ${words(n.valueFlags.join(" "))}`,
      ]
        .map((line) => line.trimEnd())
        .join("\n"),
    )
    .join("\n");
  const valueCases = Object.entries(valueWords)
    .map(([flags, list]) => {
      const action = list === "@files" ? "__fish_complete_path $cur" : list.startsWith("@") ? `printf '%s\\n' ${dynamic(list)}` : `printf '%s\\n' ${words(list)}`;
      return `        case ${flags.split("|").map(word).join(" ")}\n            ${action}\n            return`;
    })
    .join("\n");
  const ruleLines = rules
    .map((r) => {
      const after = r.after ? `; and contains -- $lastarg ${words(r.after.join(" "))}` : "";
      const value = r.words.startsWith("@") ? dynamic(r.words) : words(r.words);
      return `    if test "$path" = ${word(r.path)}; and test $npos -eq ${r.position}${after}\n        set candidates ${value}\n    end`;
    })
    .join("\n");
  return `# berth shell completion (fish). Load it with:  berth completion fish | source
# or keep it:  berth completion fish > ~/.config/fish/completions/berth.fish
function __berth_names
    berth get $argv[1] -o name $__berth_globals 2>/dev/null | string replace -r '^[^/]*/' ''
end

function __berth_node
    switch $argv[1]
${nodeCases}
        case '*'
            set -g __berth_subs
            set -g __berth_flags
            set -g __berth_valued
    end
end

function __berth_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l path ''
    set -l lastarg ''
    set -l npos 0
    set -g __berth_globals
    __berth_node ''
    set -l i 2
    while test $i -le (count $tokens)
        set -l w $tokens[$i]
        set -l next (math $i + 1)
        if contains -- $w --endpoint --cluster --region --profile; and test $next -le (count $tokens)
            set -a __berth_globals $w $tokens[$next]
        end
        if string match -q -- '-*' $w
            contains -- $w $__berth_valued; and set i $next
        else if contains -- $w $__berth_subs
            if test -n "$path"
                set path "$path $w"
            else
                set path $w
            end
            __berth_node $path
        else
            set lastarg $w
            set npos (math $npos + 1)
        end
        set i (math $i + 1)
    end
    switch "$tokens[-1]"
${valueCases}
    end
    if string match -q -- '-*' $cur
        printf '%s\\n' $__berth_flags
        return
    end
    if test (count $__berth_subs) -gt 0
        printf '%s\\n' $__berth_subs
        return
    end
    set -l candidates
${ruleLines}
    printf '%s\\n' $candidates
end

complete -c berth -e
complete -c berth -f -a '(__berth_complete)'
`;
}
