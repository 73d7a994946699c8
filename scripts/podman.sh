#!/usr/bin/env bash
# Podman for the container test (scripts/container-test.mjs), made ready on this kind of machine, quickly when
# it already is. There is no Docker engine here and Docker Hub cannot be reached, so:
#   - podman, runc and docker-compose (v1, only to validate docker-compose.yml offline) come from Debian;
#   - podman gets a private configuration (runc, cgroupfs, file events, ulimits that work here) and its own
#     storage under the cache, outside the clone: $EVENTIFY_CACHE/podman;
#   - the base image the Dockerfile builds FROM is made from this machine's own node binary
#     (localhost/node-base:20: node, its libraries, /bin/sh, /usr/bin/env, npm, the CA bundle).
#
# Source it (`. scripts/podman.sh && ensure_podman`) or run it (`bash scripts/podman.sh`); either way it prints
# the two variables podman needs: `eval "$(bash scripts/podman.sh)"`.
set -euo pipefail

EVENTIFY_CACHE="${EVENTIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eventify}"
PODMAN_HOME="$EVENTIFY_CACHE/podman"
NODE_BASE_IMAGE="${NODE_BASE_IMAGE:-localhost/node-base:20}"
# Bump when the recipe below changes: the base is made again when its label differs.
NODE_BASE_RECIPE=2

plog() { printf '[podman] %s\n' "$*" >&2; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  # Another process may hold the dpkg lock for a moment: wait for it rather than fail.
  local apt=(apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  local aptlog="$EVENTIFY_CACHE/logs/apt.log"
  mkdir -p "$(dirname "$aptlog")"
  { "${apt[@]}" update && "${apt[@]}" install -y --no-install-recommends "$@"; } >"$aptlog" 2>&1 ||
    { plog "apt-get failed; see $aptlog"; tail -20 "$aptlog" >&2; return 1; }
}

ensure_podman_installed() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v fuse-overlayfs >/dev/null || missing+=(fuse-overlayfs)
  command -v slirp4netns >/dev/null || missing+=(slirp4netns)
  command -v newuidmap >/dev/null || missing+=(uidmap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  if [ ${#missing[@]} -gt 0 ]; then
    plog "installing ${missing[*]} (apt, once per machine)"
    apt_install "${missing[@]}"
  fi
}

write_podman_config() {
  mkdir -p "$PODMAN_HOME/storage" "$PODMAN_HOME/run" "$PODMAN_HOME/tmp"
  # The default runtime (crun), systemd cgroups, journald events and the default ulimits fail here.
  cat >"$PODMAN_HOME/containers.conf.tmp" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_HOME/events.log"
image_copy_tmp_dir = "$PODMAN_HOME/tmp"
EOF
  cat >"$PODMAN_HOME/storage.conf.tmp" <<EOF
[storage]
driver = "overlay"
graphroot = "$PODMAN_HOME/storage"
runroot = "$PODMAN_HOME/run"
EOF
  mv "$PODMAN_HOME/containers.conf.tmp" "$PODMAN_HOME/containers.conf"
  mv "$PODMAN_HOME/storage.conf.tmp" "$PODMAN_HOME/storage.conf"
  export CONTAINERS_CONF="$PODMAN_HOME/containers.conf"
  export CONTAINERS_STORAGE_CONF="$PODMAN_HOME/storage.conf"
  export TMPDIR="${TMPDIR:-/tmp}"
}

# A root filesystem from this machine's node: what node:20 images give a Dockerfile (node, npm, a shell,
# /usr/bin/env, a `node` user with uid 1000) and the CA bundle that HTTPS to the npm registry needs here.
ensure_node_base() {
  local node_bin node_version npm_dir
  node_bin=$(readlink -f "$(command -v node)")
  node_version=$("$node_bin" --version)
  if podman image exists "$NODE_BASE_IMAGE" &&
    [ "$(podman image inspect --format '{{ index .Labels "eventify.node-base" }}' "$NODE_BASE_IMAGE" 2>/dev/null)" = "$node_version/$NODE_BASE_RECIPE" ]; then
    return 0
  fi
  plog "making $NODE_BASE_IMAGE from this machine's node $node_version"
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  local root
  root=$(mktemp -d)
  (
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/{bin,usr/bin,usr/local/bin,usr/local/lib/node_modules,etc/ssl/certs,tmp,root,home/node,app}
  cp "$node_bin" "$root/usr/local/bin/node"
  cp "$(readlink -f /bin/sh)" "$root/bin/sh"
  cp "$(readlink -f /usr/bin/env)" "$root/usr/bin/env"
  local lib
  for lib in $( (ldd "$node_bin"; ldd /bin/sh; ldd /usr/bin/env) | grep -o '/[^ ]*' | sort -u); do
    cp --parents -L "$lib" "$root/"
  done
  cp -r "$npm_dir" "$root/usr/local/lib/node_modules/npm"
  rm -rf "$root/usr/local/lib/node_modules/npm/docs" "$root/usr/local/lib/node_modules/npm/man"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  chmod 1777 "$root/tmp"
  chown 1000:1000 "$root/home/node"
  tar -C "$root" -c . | podman import \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change "LABEL eventify.node-base=$node_version/$NODE_BASE_RECIPE" \
    --change 'CMD ["node"]' \
    --quiet - "$NODE_BASE_IMAGE" >/dev/null
  )
}

ensure_podman() {
  ensure_podman_installed
  write_podman_config
  ensure_node_base
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ensure_podman
  printf 'export CONTAINERS_CONF=%q CONTAINERS_STORAGE_CONF=%q\n' "$CONTAINERS_CONF" "$CONTAINERS_STORAGE_CONF"
fi
