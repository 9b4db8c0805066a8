#!/bin/sh
# Builds the lnsim image without any registry: a root filesystem holding this machine's own Node binary and the
# libraries it links, the same files the Containerfile copies, imported with `podman import`.
# Usage: scripts/build-image-offline.sh [IMAGE]   (default localhost/lnsim:dev; run `npm run build` first)
set -eu
image=${1:-localhost/lnsim:dev}
root=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$root/dist/lnsim.mjs" ] || { echo "dist/lnsim.mjs is missing: run npm run build first" >&2; exit 2; }
command -v podman >/dev/null || { echo "podman is not installed (apt-get install -y podman runc)" >&2; exit 2; }
node_bin=$(readlink -f "$(command -v node)")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fs=$work/rootfs
mkdir -p "$fs/usr/bin" "$fs/etc" "$fs/tmp" "$fs/opt/lnsim/node_modules" "$fs/opt/lnsim/src/observe/dashboard"
chmod 1777 "$fs/tmp"
cp "$node_bin" "$fs/usr/bin/node"
# the shared libraries node links, at their own paths, and the dynamic loader
for lib in $(ldd "$node_bin" | awk '/=>/ { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
  mkdir -p "$fs$(dirname "$lib")"
  cp -L "$lib" "$fs$lib"
done
if [ ! -e "$fs/lib64" ] && [ -e /lib64 ]; then
  mkdir -p "$fs/lib64"
  for ld in /lib64/ld-linux*; do cp -L "$ld" "$fs/lib64/"; done
fi
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$fs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$fs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$fs/etc/nsswitch.conf"
app=$fs/opt/lnsim
cp "$root/package.json" "$app/"
cp -R "$root/bin" "$root/dist" "$app/"
cp -R "$root/src/observe/dashboard/static" "$app/src/observe/dashboard/"
cp -R "$root/node_modules/secp256k1" "$root/node_modules/node-gyp-build" "$app/node_modules/"
tar -C "$fs" -cf "$work/rootfs.tar" .
podman import \
  --change 'ENTRYPOINT ["/usr/bin/node", "/opt/lnsim/bin/lnsim.mjs"]' \
  --change 'WORKDIR /opt/lnsim' \
  --change 'ENV MALLOC_ARENA_MAX=1' \
  --change 'ENV PATH=/usr/bin:/bin' \
  "$work/rootfs.tar" "$image" >/dev/null
echo "$image"
