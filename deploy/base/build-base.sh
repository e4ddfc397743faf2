#!/usr/bin/env bash
# Builds the base images of the Quayside service images from what this machine has — no image is pulled, nothing is
# installed inside an image:
#   quayside/jre-base:17          FROM scratch: a jlink'ed Java 17 runtime (deploy/base/jre-modules) at /opt/java,
#                                 the shared libraries it loads (ldd) with the dynamic loader, CA certificates, a
#                                 non-root user quayside (uid/gid 10001), /tmp (1777) and a static busybox at /bin
#                                 (sh, wget, ...: the entrypoint and deploy/healthcheck need them)
#   quayside/haproxy-jre-base:17  jre-base plus one layer with the host's haproxy and setpriv and their libraries
#                                 (edge-router runs HAProxy)
# Host needs: a JDK 17 with jlink and jmods (openjdk-17-jdk-headless), busybox-static, haproxy, ca-certificates,
# Docker. Usage: deploy/base/build-base.sh [--jdk DIR] [--tag-suffix SUFFIX] [--no-haproxy]
#   --jdk          the JDK 17 to jlink from (default: JAVA_HOME when it is a 17, else the one `java` on PATH is in,
#                  else the first JDK 17 with jmods under /usr/lib/jvm or /opt)
#   --tag-suffix   appended to both image names' tags (tests build their own: 17-test-123)
# Same inputs give the same layer content: every file is written with a fixed mtime, sorted, owned by root, into a
# tar that `docker import` turns into one layer.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JDK="" SUFFIX="" HAPROXY=1
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) JDK="$2"; shift 2 ;;
    --tag-suffix) SUFFIX="$2"; shift 2 ;;
    --no-haproxy) HAPROXY=0; shift ;;
    *) echo "usage: $0 [--jdk DIR] [--tag-suffix SUFFIX] [--no-haproxy]" >&2; exit 2 ;;
  esac
done
JRE_IMAGE="quayside/jre-base:17$SUFFIX"
HAPROXY_IMAGE="quayside/haproxy-jre-base:17$SUFFIX"
UID_GID=10001
EPOCH=@0   # the mtime of every file in the layers

die() { echo "build-base: $*" >&2; exit 1; }

is_jdk17() { # dir: a JDK 17 with jlink and the jmods jlink reads
  [ -x "$1/bin/jlink" ] && [ -f "$1/jmods/java.base.jmod" ] && grep -q '^JAVA_VERSION="17[."]' "$1/release" 2>/dev/null
}
if [ -z "$JDK" ]; then
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java || echo /nonexistent)")")")" \
      /usr/lib/jvm/*17* /opt/*17* /opt/java/*17*; do
    [ -n "$candidate" ] && is_jdk17 "$candidate" && { JDK="$candidate"; break; }
  done
  [ -n "$JDK" ] || die "no JDK 17 with bin/jlink and jmods/ found (JAVA_HOME, java on PATH, /usr/lib/jvm, /opt): install openjdk-17-jdk-headless or pass --jdk DIR"
fi
is_jdk17 "$JDK" || die "$JDK is no JDK 17 with bin/jlink and jmods/java.base.jmod"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 || die "a static busybox is needed (apt-get install busybox-static); found: ${BUSYBOX:-none}"
[ -r /etc/ssl/certs/ca-certificates.crt ] || die "/etc/ssl/certs/ca-certificates.crt is missing (apt-get install ca-certificates)"
docker info >/dev/null 2>&1 || die "no Docker daemon answers"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/quayside-base.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# needed_libs SKIP FILE...: the shared libraries the files load (ldd on this host, the JRE's own lib folders on the
# library path), with the dynamic loader, one a line; those under SKIP (the JRE's own) are left out. A library the
# host lacks stops the build.
needed_libs() {
  local skip="$1" f out all=""; shift
  for f in "$@"; do
    out=$(LD_LIBRARY_PATH="$ROOT/opt/java/lib:$ROOT/opt/java/lib/server" ldd "$f" 2>&1) || continue  # not dynamic
    if grep -q 'not found' <<<"$out"; then die "$f needs a library this host lacks:$(grep 'not found' <<<"$out" | tr -s '\t\n' ' ')"; fi
    all+=$(awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' <<<"$out")$'\n'
  done
  grep -v -e "^$skip" -e '^$' <<<"$all" | sort -u || true
}
copy_host() { # rootfs path...: each host file (links followed) at the same path under rootfs
  local rootfs="$1" f; shift
  for f in "$@"; do mkdir -p "$rootfs$(dirname "$f")"; cp -L "$f" "$rootfs$f"; done
}

layer_tar() { # rootfs tarfile: a reproducible tar of rootfs
  find "$1" -exec touch -h -d "$EPOCH" {} +
  tar --sort=name --mtime="$EPOCH" --owner=0 --group=0 --numeric-owner --format=gnu -C "$1" -cf "$2" .
}

# ---- jre-base ----------------------------------------------------------------------------------------------------
ROOT="$WORK/jre"
mkdir -p "$ROOT"/{bin,etc/ssl/certs,opt,tmp,home/quayside,deployments}
MODULES=$(grep -v '^#' "$HERE/jre-modules" | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
echo "build-base: jlink from $JDK: $MODULES"
"$JDK/bin/jlink" --module-path "$JDK/jmods" --add-modules "$MODULES" --output "$ROOT/opt/java" \
  --strip-debug --no-man-pages --no-header-files --compress=2 \
  --exclude-files='**/libawt_xawt.so,**/libjawt.so,**/libsplashscreen.so,**/libjsound.so,**/libfontmanager.so'
# (java.desktop is there for java.beans; the services are headless: its X11, sound, splash screen and font
# rendering libraries, which would bring X11, ALSA, FreeType and HarfBuzz along, are left out)
# Debian's JDK links the trust store to the system's; the runtime gets the host's Java trust store as a file
if [ -L "$ROOT/opt/java/lib/security/cacerts" ] || [ ! -s "$ROOT/opt/java/lib/security/cacerts" ]; then
  [ -r /etc/ssl/certs/java/cacerts ] || die "the jlink'ed cacerts is a link and /etc/ssl/certs/java/cacerts is missing (apt-get install ca-certificates-java)"
  rm -f "$ROOT/opt/java/lib/security/cacerts"; cp -L /etc/ssl/certs/java/cacerts "$ROOT/opt/java/lib/security/cacerts"
fi
# glibc loads libgcc_s when a thread is cancelled or unwound: always there
needed_libs "$ROOT/" $(find "$ROOT/opt/java" -type f \( -path '*/bin/*' -o -name '*.so' \) | sort) > "$WORK/jre.libs"
ls /lib/x86_64-linux-gnu/libgcc_s.so.1 >> "$WORK/jre.libs" 2>/dev/null || true
copy_host "$ROOT" $(sort -u "$WORK/jre.libs")
cp -L /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
cp "$BUSYBOX" "$ROOT/bin/busybox"
for applet in sh ash wget timeout id ls cat env ps sleep kill mkdir rm cp mv ln grep sed tr head tail cut wc chmod date \
    hostname nslookup netstat top free df du find xargs vi less; do
  ln -s busybox "$ROOT/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nquayside:x:%s:%s:quayside:/home/quayside:/bin/sh\n' $UID_GID $UID_GID > "$ROOT/etc/passwd"
printf 'root:x:0:\nquayside:x:%s:\n' $UID_GID > "$ROOT/etc/group"
printf 'hosts: files dns\n' > "$ROOT/etc/nsswitch.conf"
chmod 1777 "$ROOT/tmp"
layer_tar "$ROOT" "$WORK/jre.tar"
docker import \
  --change 'ENV PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin JAVA_HOME=/opt/java LANG=C.UTF-8' \
  --change 'WORKDIR /deployments' \
  --change "LABEL dev.quayside.base.jdk=\"$(sed -n 's/^IMPLEMENTOR_VERSION=//p; s/^JAVA_RUNTIME_VERSION=//p' "$JDK/release" | tr -d '"' | head -1)\" dev.quayside.base.modules=\"$MODULES\"" \
  "$WORK/jre.tar" "$JRE_IMAGE" >/dev/null
echo "build-base: $JRE_IMAGE $(docker image inspect -f '{{.Size}}' "$JRE_IMAGE" | awk '{printf "%.1f MB", $1/1e6}') (layer sha256 $(sha256sum < "$WORK/jre.tar" | cut -c1-12))"

# ---- haproxy-jre-base: one more layer ------------------------------------------------------------------------------
[ $HAPROXY = 1 ] || exit 0
HAPROXY_BIN=$(command -v haproxy || ls /usr/sbin/haproxy 2>/dev/null || true)
[ -n "$HAPROXY_BIN" ] || die "haproxy is not installed (apt-get install haproxy), or pass --no-haproxy"
LAYER="$WORK/haproxy"
mkdir -p "$LAYER"
files=("$(readlink -f "$HAPROXY_BIN")")
[ -x /usr/bin/setpriv ] && files+=(/usr/bin/setpriv)   # edge-router starts HAProxy under setpriv --pdeathsig
needed_libs /nonexistent/ "${files[@]}" > "$WORK/haproxy.libs"
copy_host "$LAYER" "${files[@]}" $(cat "$WORK/haproxy.libs")
[ "${files[0]}" = /usr/sbin/haproxy ] || { mkdir -p "$LAYER/usr/sbin"; ln -sf "${files[0]}" "$LAYER/usr/sbin/haproxy"; }
# only what jre-base lacks: the layer adds files, never replaces one
( cd "$LAYER" && find . -type f -o -type l ) | while read -r f; do
  [ -e "$ROOT/$f" ] && [ "$f" != ./usr/sbin/haproxy ] && rm -f "$LAYER/$f"
done
layer_tar "$LAYER" "$WORK/haproxy.tar"
printf 'FROM %s\nADD haproxy.tar /\n' "$JRE_IMAGE" > "$WORK/Dockerfile.haproxy"
docker build -q -f "$WORK/Dockerfile.haproxy" -t "$HAPROXY_IMAGE" "$WORK" >/dev/null 2>"$WORK/build.err" \
  || { cat "$WORK/build.err" >&2; die "docker build of $HAPROXY_IMAGE failed"; }
echo "build-base: $HAPROXY_IMAGE $(docker image inspect -f '{{.Size}}' "$HAPROXY_IMAGE" | awk '{printf "%.1f MB", $1/1e6}') (haproxy $("$HAPROXY_BIN" -v | head -1 | cut -d' ' -f3))"
