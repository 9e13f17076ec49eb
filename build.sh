#!/usr/bin/env bash
# Builds bin/boltzmann, the fast binary where this machine allows it:
#
#   bash build.sh            # OpenBLAS build (-tags openblas), else pure Go
#   PUREGO=1 bash build.sh   # the pure-Go build, no C toolchain needed
#
# The fast build needs gcc and OpenBLAS's headers and library (Debian and
# Ubuntu: libopenblas-dev). When they are missing and this shell is root
# with apt-get (a fresh container, CI), the script installs libopenblas-dev;
# otherwise it says how to install it and builds the pure-Go binary, which
# gives the same results and runs slower. The last line printed names the
# build that was made.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PATH:/usr/local/go/bin"
out=${OUT:-bin/boltzmann}

# openblas_links: gcc can compile and link a call into OpenBLAS's CBLAS.
openblas_links() {
	command -v gcc >/dev/null 2>&1 || return 1
	local dir
	dir=$(mktemp -d)
	printf '#include <cblas.h>\nint main(void){float a=1,b=1;return (int)cblas_sdot(1,&a,1,&b,1)-1;}\n' >"$dir/t.c"
	gcc "$dir/t.c" -o "$dir/t" -lopenblas >/dev/null 2>&1
	local rc=$?
	rm -rf "$dir"
	return $rc
}

pure() {
	CGO_ENABLED=0 go build -o "$out" ./cmd/boltzmann
	echo "build: $out (pure Go${1:+; $1})"
}

if [ "${PUREGO:-}" = 1 ]; then
	pure "PUREGO=1"
	exit 0
fi

if ! openblas_links; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "build: installing gcc and libopenblas-dev with apt-get" >&2
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libopenblas-dev >/dev/null 2>&1) ||
			echo "build: apt-get could not install libopenblas-dev" >&2
	fi
fi

if openblas_links; then
	if CGO_ENABLED=1 go build -tags openblas -o "$out" ./cmd/boltzmann; then
		echo "build: $out (OpenBLAS, float32 kernels)"
		exit 0
	fi
	echo "build: the OpenBLAS build failed (see above); falling back to pure Go" >&2
	pure "the OpenBLAS build failed"
	exit 0
fi
pure "OpenBLAS not found: install gcc and libopenblas-dev (sudo apt-get install gcc libopenblas-dev) and rerun for the faster build"
