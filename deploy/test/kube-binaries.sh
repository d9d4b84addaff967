#!/bin/sh
# Builds the Kubernetes test binaries the injector's integration tests run against, into a cache outside the
# repository, laid out as io.fabric8:kube-api-test expects (<dir>/k8s/<version>-linux-amd64/{kube-apiserver,etcd,
# kubectl}). It does nothing when the cache is complete, so only the first run on a machine pays (~6 min on 2 cores).
#
# Why build: no registry but Debian's, Maven Central and npm is reachable here, and Debian 12 ships no kube-apiserver
# binary; its source package `kubernetes` (1.20.5+really1.20.2) is the full upstream 1.20.2 tree with vendor/.
# etcd 3.4 and kubectl come from Debian's packages / the machine.
#
#   deploy/test/kube-binaries.sh [CACHE_DIR]      default: $GOSSAMER_CACHE/kube, else ~/.cache/gossamer/kube
#
# Needs root to apt-get what is missing (golang-go, etcd-server, dpkg-dev, the reflect2 1.0.2 sources).
set -eu

VERSION=1.20.2
CACHE=${1:-${GOSSAMER_CACHE:-$HOME/.cache/gossamer}/kube}
BIN="$CACHE/k8s/$VERSION-linux-amd64"
WORK="$CACHE/build"
# Set KUBE_CONTROLLER_MANAGER=0 to skip it (it lets the tests create Pods through Deployments).
WITH_KCM=${KUBE_CONTROLLER_MANAGER:-1}

complete() {
    [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/etcd" ] && [ -x "$BIN/kubectl" ] \
        && { [ "$WITH_KCM" = 0 ] || [ -x "$BIN/kube-controller-manager" ]; }
}

if complete; then
    exit 0
fi

say() { echo "kube-binaries: $*" >&2; }

need_pkgs=""
# rsync: the 1.20 build copies its binaries into _output/bin with it.
for p in golang-go etcd-server dpkg-dev make rsync golang-github-modern-go-reflect2-dev; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        need_pkgs="$need_pkgs $p"
    fi
done
have_src_entry() {
    grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ || grep -qs '^deb-src ' /etc/apt/sources.list
}
if [ -n "$need_pkgs" ] || ! have_src_entry; then
    if [ "$(id -u)" != 0 ]; then
        say "missing Debian packages:$need_pkgs (or a deb-src entry); run as root or install them"
        exit 1
    fi
    if ! have_src_entry; then
        # The source of Debian's `kubernetes` package; the same mirror and suite as the binaries.
        cat > /etc/apt/sources.list.d/gossamer-deb-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    fi
    # Keep package services (etcd) from starting on install: the tests start their own.
    own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -q >&2
    if [ -n "$need_pkgs" ]; then
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends $need_pkgs >&2
    fi
    [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

mkdir -p "$BIN" "$WORK"
cd "$WORK"
SRC_DIR=$(find . -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)
if [ -z "$SRC_DIR" ]; then
    say "fetching Debian's kubernetes source package"
    apt-get source -q --download-only kubernetes >&2
    dpkg-source --no-check -x kubernetes_*.dsc >&2
    SRC_DIR=$(find . -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)
fi
cd "$SRC_DIR"

# The vendored reflect2 1.0.1 crashes the apiserver under Go >= 1.18 the first time a webhook returns a patch
# (it reads runtime internals that moved); 1.0.2 fixes it. Debian packages 1.0.2's sources.
R2=/usr/share/gocode/src/github.com/modern-go/reflect2
if [ ! -e vendor/github.com/modern-go/reflect2/.gossamer-1.0.2 ]; then
    rm -rf vendor/github.com/modern-go/reflect2
    mkdir -p vendor/github.com/modern-go/reflect2
    cp -r "$R2"/. vendor/github.com/modern-go/reflect2/
    rm -rf vendor/github.com/modern-go/reflect2/test* vendor/github.com/modern-go/reflect2/*_test.go
    touch vendor/github.com/modern-go/reflect2/.gossamer-1.0.2
fi

build() {
    what=$1
    if [ ! -x "$BIN/$what" ]; then
        say "building $what $VERSION (GOPATH mode, CGO_ENABLED=0; minutes)"
        # 1.20's build scripts set up their own GOPATH; the module-mode `go build` of this tree fails.
        env CGO_ENABLED=0 GO111MODULE=off GOFLAGS= KUBE_GIT_VERSION="v$VERSION" KUBE_VERBOSE=0 \
            make WHAT="cmd/$what" >&2
        cp "$(find _output -type f -path "*/bin/$what" | head -n 1)" "$BIN/$what.tmp"
        chmod +x "$BIN/$what.tmp"
        mv "$BIN/$what.tmp" "$BIN/$what"
    fi
}
build kube-apiserver
if [ "$WITH_KCM" != 0 ]; then
    build kube-controller-manager
fi

ln -sf "$(command -v etcd || echo /usr/bin/etcd)" "$BIN/etcd"
KUBECTL=$(command -v kubectl || true)
if [ -z "$KUBECTL" ]; then
    say "no kubectl on PATH; building it from the same tree"
    build kubectl
else
    ln -sf "$KUBECTL" "$BIN/kubectl"
fi

if complete; then
    say "ready in $BIN"
    # The source tree and Go's build cache are only needed to build; keep the cache small.
    cd "$CACHE" && rm -rf "$WORK"
    exit 0
fi
say "incomplete after the build: $(ls "$BIN")"
exit 1
