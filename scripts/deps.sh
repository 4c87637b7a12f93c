#!/usr/bin/env bash
# Installs the Debian packages swarmform needs to build, test and run its lab,
# skipping those already installed.  Debian 12 (bookworm); needs root.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config
  libyaml-dev libsqlite3-dev libgit2-dev libssh2-1-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libcli11-dev libhttp-parser-dev libssl-dev libcurl4-openssl-dev libgtest-dev libgmock-dev
  # tests: schema check, lab (two dockerd, sshd, busybox image)
  python3 python3-jsonschema python3-yaml
  docker.io openssh-server openssh-client busybox-static iproute2 util-linux curl
  # tests: repositories made with git's own CLI (the source reads them with libgit2)
  git
  # the Debian package (cpack: dpkg-deb, dpkg-shlibdeps), its man page and its check
  dpkg-dev groff-base lintian
  # tests: libFuzzer targets (fuzz/run.sh).  clang 19: bookworm's default
  # clang 14 cannot compile libstdc++ 12's std::expected (__cpp_concepts too old).
  clang-19 libclang-rt-19-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "swarmform: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "swarmform: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The lab starts its own dockerd instances; the packaged system one is not used.
systemctl disable --now docker.service docker.socket >/dev/null 2>&1 || true
