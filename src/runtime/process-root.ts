// A process container's own root, for one with volumes, tmpfs mounts or a read-only root
// (issue 16; docs/volumes.md "On the node"). It is built inside the container's private mount
// namespace by one shell stage, before the waiting shell's child becomes the container's init:
//
//   1. a tmpfs at <container dir>/root holds the new root; every entry of the host's / appears
//      in it (directories rbind-mounted, files bind-mounted, symlinks copied), then the tree is
//      made private: a snapshot the host's later mounts and unmounts do not change;
//   2. each mount is made at <root><containerPath>, parents first. A mount point that does not
//      exist is made in memory: when its nearest existing ancestor is a host directory, that
//      directory is first shadowed by a tmpfs holding binds of its entries, so nothing is ever
//      created on the host's file systems;
//   3. the agent's state directory is detached and covered (the container sees no other task's
//      volumes or logs, and holds none of their loop or FUSE mounts busy);
//   4. readonlyRootFilesystem: every mount of the new root but the volumes, /proc, /sys and /dev
//      is remounted read-only;
//   5. exec chroot <root> the next stage.
//
// chroot, not pivot_root: pivot_root moves every process of the namespace whose root is the old
// one, and the waiting shell (the parent) must keep the host's view to write the exit file.
// Everything made here lives in the namespace, which dies with the container's last process.
import type { ContainerMount, ContainerSpec } from "./types.js";

// $1 mount, $2 umount, $3 chroot, $4 the root's directory, $5 1: read-only root, $6 hidden dir
// or "", then mount records ("b" source target ro|rw, "t" target options), "--", the next stage.
export const ROOT_SCRIPT = `m=$1; u=$2; c=$3; r=$4; ro=$5; hide=$6; shift 6
die() { echo "berth-root: $*" >&2; exit 125; }
nl='
'
# Never outside a mount namespace of the container's own: these mounts would land on the host.
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || die "not in a private mount namespace"
ours=$r
vols=
fill() {
  for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    t="$2/\${e##*/}"
    if [ -L "$e" ]; then ln -s "$(readlink "$e")" "$t" || die "link $t"
    elif [ -d "$e" ]; then mkdir "$t" && "$m" --rbind "$e" "$t" || die "bind $e"
    else : > "$t" && "$m" --bind "$e" "$t" || die "bind $e"; fi
  done
}
mine() { case "$nl$ours$nl" in *"$nl$1$nl"*) return 0;; esac; return 1; }
under() {
  IFS=$nl
  for v in $vols; do case $1 in "$v"|"$v"/*) unset IFS; return 0;; esac; done
  unset IFS
  return 1
}
mkpoint() {
  [ -e "$1" ] && return 0
  a=$1
  while [ ! -e "$a" ]; do a=\${a%/*}; done
  if ! mine "$(stat -c %m -- "$a")"; then
    h=\${a#"$r"}
    "$m" -t tmpfs -o "mode=$(stat -c %a -- "\${h:-/}")" berth-shadow "$a" || die "shadow $h"
    fill "$h" "$a"
    ours="$ours$nl$a"
  fi
  if [ "$2" = f ]; then mkdir -p -- "\${1%/*}" && : > "$1"; else mkdir -p -- "$1"; fi || die "mount point $1"
}
points() { while read -r _ _ _ _ p _; do case $p in "$1"|"$1"/*) echo "$p";; esac; done < /proc/self/mountinfo; }
# Like points, without nsfs: a network namespace's file (ip netns's /run/netns/*) holds nothing
# to write, and other tasks' come and go while this runs (ip netns del on the host).
fspoints() {
  while read -r _ _ _ _ p rest; do
    case $p in "$1"|"$1"/*) ;; *) continue;; esac
    t=\${rest#* - }
    [ "\${t%% *}" = nsfs ] || echo "$p"
  done < /proc/self/mountinfo
}
mounted() { for q in $(points "$1"); do [ "$q" = "$1" ] && return 0; done; return 1; }
"$m" -t tmpfs -o mode=0755 berth-root "$r" || die "tmpfs at $r"
fill "" "$r"
# A snapshot: should the host's mounts propagate here (a shared /), its later mounts and unmounts
# no longer reach the new root, so what is listed below stays as listed.
"$m" --make-rprivate "$r" || die "private $r"
while [ "$1" != -- ]; do
  case $1 in
  b) s=$2; d=$r$3; o=$4; shift 4
     if [ -d "$s" ]; then mkpoint "$d"; else mkpoint "$d" f; fi
     "$m" --bind "$s" "$d" || die "bind $s at \${d#"$r"}"
     if [ "$o" = ro ]; then "$m" -o remount,bind,ro "$d" || die "read-only \${d#"$r"}"; fi;;
  t) d=$r$2; o=$3; shift 3
     mkpoint "$d"
     "$m" -t tmpfs -o "$o" tmpfs "$d" || die "tmpfs at \${d#"$r"}";;
  *) die "unknown mount kind $1";;
  esac
  ours="$ours$nl$d"; vols="$vols$nl$d"
done
shift
if [ -n "$hide" ]; then
  for base in "$r$hide" "$hide"; do
    for p in $(points "$base" | sort -r); do
      case $p in "$r"|"$r"/*) [ "$base" = "$hide" ] && continue;; esac
      "$u" -l "$p" 2>/dev/null
    done
  done
  if [ -d "$r$hide" ]; then "$m" -t tmpfs -o ro,mode=0755,size=4k berth-hidden "$r$hide" || die "hide $hide"; fi
fi
if [ "$ro" = 1 ]; then
  for p in $(fspoints "$r"); do
    case $p in "$r/proc"|"$r/proc/"*|"$r/sys"|"$r/sys/"*|"$r/dev"|"$r/dev/"*) continue;; esac
    under "$p" && continue
    # A mount gone since the listing (its parent's lazy unmount took it) needs nothing.
    "$m" -o remount,bind,ro "$p" || ! mounted "$p" || die "read-only \${p#"$r"}"
  done
fi
exec "$c" "$r" "$@"`;

/** Whether the container gets a root of its own (ROOT_SCRIPT). */
export function needsOwnRoot(spec: ContainerSpec): boolean {
  return (spec.mounts?.length ?? 0) > 0 || spec.readonlyRootFilesystem === true;
}

/** The tmpfs options of a tmpfs mount: size in MiB, then the definition's mountOptions. */
export function tmpfsOptions(m: Extract<ContainerMount, { kind: "tmpfs" }>): string {
  return [...(m.sizeMiB ? [`size=${m.sizeMiB}m`] : []), ...m.options].join(",") || "defaults";
}

/** The mount records ROOT_SCRIPT takes. Paths with a newline are refused (the script splits on them). */
export function rootRecords(mounts: readonly ContainerMount[]): string[] {
  return mounts.flatMap((m) => {
    if (m.kind === "volume") throw new Error(`mount at ${m.containerPath}: the process runtime has no engine volumes (the agent gives it directories)`);
    if (/\n/.test(m.containerPath) || (m.kind === "bind" && /\n/.test(m.source))) throw new Error(`mount at ${JSON.stringify(m.containerPath)}: paths with a newline are not supported`);
    return m.kind === "bind" ? ["b", m.source, m.containerPath, m.readOnly ? "ro" : "rw"] : ["t", m.containerPath, tmpfsOptions(m)];
  });
}

export interface RootTools {
  sh: string;
  mount?: string;
  umount?: string;
  chroot?: string;
}

/** The stage that builds the root and chroots into it; [] when the container needs none. */
export function rootStage(spec: ContainerSpec, rootDir: string, tools: RootTools): string[] {
  if (!needsOwnRoot(spec)) return [];
  if (!tools.mount || !tools.umount || !tools.chroot) throw new Error(`volumes and read-only roots need mount, umount and chroot, which are not all installed`);
  return [
    tools.sh, "-c", ROOT_SCRIPT, "berth-root",
    tools.mount, tools.umount, tools.chroot, rootDir, spec.readonlyRootFilesystem ? "1" : "0", spec.hiddenPaths?.[0] ?? "",
    ...rootRecords(spec.mounts ?? []), "--",
  ];
}
