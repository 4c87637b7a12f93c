#!/bin/sh
# Builds the swarmform agent image where no registry is reachable (the lab):
# a root filesystem holding /usr/bin/swarmform, the shared libraries `ldd`
# lists for it (libgit2, libssh2, libcurl and what they pull in, the dynamic
# loader), CA certificates, a static busybox for the stack's health check
# (sh, find), and nothing else; `docker import`ed into the first engine and
# copied to the others with `docker save | docker load` (same image ID on all).
#
#   packaging/lab-image.sh [--deb FILE | --binary FILE] [--tag TAG] SOCKET...
#
#   --deb FILE     take /usr/bin/swarmform out of this package (dpkg-deb -x):
#                  the image holds what `apt install ./swarmform_*.deb` would.
#                  Default: the newest build-release/swarmform_*.deb, if any.
#   --binary FILE  take this binary instead (a development build).
#   --tag TAG      the image's name (default swarmform:local, the example
#                  stack's default).
#   SOCKET         an engine's unix socket, e.g. /tmp/swarmform-lab/kvm4/docker.sock.
#
# The image is what packaging/Dockerfile builds from a Debian base, minus
# Debian: same paths, same ENTRYPOINT, same HOME.  The libraries are this
# machine's, so run it where the package was built (its Depends name them).
# Prints the image ID.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
deb=
binary=
tag=swarmform:local
while [ $# -gt 0 ]; do
  case $1 in
    --deb) deb=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    --) shift; break ;;
    -*) echo "lab-image.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "lab-image.sh: name at least one engine socket" >&2; exit 2; }
if [ -z "$deb" ] && [ -z "$binary" ]; then
  deb=$(ls -t "$root"/build-release/swarmform_*.deb 2>/dev/null | head -n 1 || true)
  [ -n "$deb" ] || { echo "lab-image.sh: no build-release/swarmform_*.deb (cmake --build build-release --target package), and no --binary" >&2; exit 2; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sf-lab-image.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
rootfs=$work/rootfs
mkdir -p "$rootfs/usr/bin" "$rootfs/bin" "$rootfs/etc/ssl/certs" "$rootfs/tmp" \
  "$rootfs/var/lib/swarmform/.ssh" "$rootfs/var/lib/swarmform/metrics" "$rootfs/var/cache/swarmform" "$rootfs/run"
chmod 1777 "$rootfs/tmp"
chmod 700 "$rootfs/var/lib/swarmform/.ssh"

if [ -n "$deb" ]; then
  dpkg-deb -x "$deb" "$work/deb"
  [ -x "$work/deb/usr/bin/swarmform" ] || { echo "lab-image.sh: $deb holds no /usr/bin/swarmform" >&2; exit 1; }
  # The whole package, as apt would lay it out (schemas, docs, units).
  cp -a "$work/deb/." "$rootfs/"
  from="$deb"
else
  cp "$binary" "$rootfs/usr/bin/swarmform"
  from="$binary"
fi
chmod 755 "$rootfs/usr/bin/swarmform"

# Every library the binary loads, at the path the loader finds it by (the
# file a symlink names, copied under the link's name).  glibc 2.36 has the
# files and dns NSS modules inside libc, so nothing is dlopen()ed for
# /etc/passwd or /etc/hosts.
ldd "$rootfs/usr/bin/swarmform" | awk '/=> \//{print $3} /^[[:space:]]*\//{print $1}' | sort -u |
  while read -r lib; do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
if ldd "$rootfs/usr/bin/swarmform" | grep -q 'not found'; then
  echo "lab-image.sh: missing libraries:" >&2
  ldd "$rootfs/usr/bin/swarmform" | grep 'not found' >&2
  exit 1
fi
# The loader's canonical path is /lib64/...: on merged-/usr Debian, /lib64 is
# a link; in the image it is a directory holding the loader itself.

# HTTPS (a webhook, an https:// remote): libcurl and libgit2 read this bundle.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
fi
# The health check runs `sh -c 'find ...'`: a static busybox, two links.
bb=$(command -v busybox || true)
if [ -z "$bb" ] || ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
  bb=/bin/busybox
fi
file -L "$bb" | grep -q 'statically linked' || { echo "lab-image.sh: needs a static busybox (apt install busybox-static)" >&2; exit 1; }
cp -L "$bb" "$rootfs/bin/busybox"
ln -s busybox "$rootfs/bin/sh"
ln -s ../../bin/busybox "$rootfs/usr/bin/find"

printf 'root:x:0:0:root:/var/lib/swarmform:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

first=$1
shift
tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
  docker -H "unix://$first" import \
    -c 'ENTRYPOINT ["/usr/bin/swarmform"]' -c 'CMD ["--help"]' \
    -c 'ENV HOME=/var/lib/swarmform PATH=/usr/bin:/bin NO_COLOR=1' \
    -c 'WORKDIR /var/lib/swarmform' \
    -m "swarmform agent image from $(basename "$from")" - "$tag" >/dev/null
for socket in "$@"; do
  docker -H "unix://$first" save "$tag" | docker -H "unix://$socket" load >/dev/null
done
docker -H "unix://$first" image inspect --format '{{.Id}}' "$tag"
