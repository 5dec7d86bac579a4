#!/bin/sh
# Builds the tiny image the Docker runtime tests use (default local/busybox:1) from the host's
# busybox-static, without any registry: CI machines and this sandbox reach none.
# Usage: scripts/build-test-image.sh [image-tag]   (needs: docker, a static busybox)
set -eu

tag=${1:-local/busybox:1}
busybox=${BUSYBOX:-$(command -v busybox || true)}

if [ -z "$busybox" ]; then
  echo "build-test-image: no busybox in PATH (install busybox-static, or set BUSYBOX=/path)" >&2
  exit 1
fi
# A dynamically linked busybox would need the host's libc inside the image.
if command -v file >/dev/null 2>&1 && ! file -L "$busybox" | grep -q 'statically linked'; then
  echo "build-test-image: $busybox is not statically linked (install busybox-static)" >&2
  exit 1
fi
if docker image inspect "$tag" >/dev/null 2>&1 && [ "${FORCE:-}" != 1 ]; then
  echo "build-test-image: $tag already present (FORCE=1 rebuilds)"
  exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# mktemp makes the directory 0700: as the image's / it would lock out every non-root user.
chmod 755 "$root"
mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/root"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
# One relative symlink per applet (sh, sleep, true, false, ...): `busybox --install -s` would
# write links to the host path of the binary, which does not exist inside the image.
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$tag" >/dev/null
echo "build-test-image: built $tag"
