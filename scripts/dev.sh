#!/usr/bin/env bash
# The README's two commands, on a fresh Debian 12 machine as root (or with sudo):
#   scripts/dev.sh run [URL ...]   install what is missing, build, run the conformance catalog
#                                  against the built-in reference server (or the URLs given)
#   scripts/dev.sh test            install what is missing, build, run every test, then build
#                                  and run them again under ASan+UBSan
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ clang-14 libclang-rt-14-dev
          libgtest-dev libgmock-dev libbenchmark-dev libssl-dev openssl zlib1g-dev
          nlohmann-json3-dev libcli11-dev libfmt-dev libsimdjson-dev
          libboost-dev libwebsocketpp-dev
          python3 python3-websockets python3-jsonschema ca-certificates
          chromium fonts-dejavu-core)

install_missing() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    # The interop tests run Node's ws; Debian's nodejs + npm only if no node/npm is there
    # already (a nodesource nodejs bundles npm and conflicts with Debian's npm package).
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() { # preset
    cmake --preset "$1" >/dev/null
    cmake --build --preset "$1"
}

# A short libFuzzer run of every fuzz target (fuzz/README.md) under ASan+UBSan, each from a
# scratch copy of its seed corpus and saved findings, so the tree stays clean. A finding fails
# the test; its input is kept in build/fuzz/findings/.
fuzz_smoke() {
    if ! command -v clang++-14 >/dev/null 2>&1; then
        echo "clang++-14 not found: libFuzzer smoke run skipped"
        return 0
    fi
    build fuzz
    local seconds="${WSSPEC_FUZZ_SECONDS:-10}" scratch findings=build/fuzz/findings
    scratch="$(mktemp -d)"
    mkdir -p "$findings"
    for bin in build/fuzz/fuzz/*_fuzzer; do
        local name max_len
        name="$(basename "$bin")"
        mkdir -p "$scratch/$name"
        for dir in "fuzz/corpus/$name" "fuzz/regressions/$name"; do
            [ -d "$dir" ] && cp "$dir"/* "$scratch/$name/"
        done
        max_len="$(sed -n 's/^max_len *= *//p' "fuzz/$name.options" 2>/dev/null)"
        if ! "$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
                -dict="fuzz/$name.dict" ${max_len:+-max_len=$max_len} \
                -artifact_prefix="$findings/$name-" "$scratch/$name" >"$scratch/$name.log" 2>&1; then
            tail -n 40 "$scratch/$name.log"
            echo "$name: finding saved in $findings/ (replay: $bin FILE); log in $scratch/$name.log" >&2
            return 1
        fi
        printf '%-28s %s\n' "$name" "$(grep -m1 -E '^#[0-9]+[[:space:]]+DONE' "$scratch/$name.log")"
    done
    rm -rf "$scratch"
}

case "${1:-}" in
run)
    shift
    install_missing
    build release
    exec build/release/harness/wsspec run -o out --format json,html,md "$@"
    ;;
build)
    install_missing
    build release
    echo "built: build/release/harness/wsspec"
    ;;
test)
    install_missing
    build dev
    ctest --preset dev -j2
    build asan-ubsan
    ctest --preset asan-ubsan -j2
    fuzz_smoke
    ;;
*)
    echo "usage: scripts/dev.sh run [URL ...] [wsspec run options] | build | test" >&2
    exit 2
    ;;
esac
