#!/usr/bin/env bash
# Builds every fuzz/*_fuzzer.cpp the OSS-Fuzz / ClusterFuzzLite way: compiler and flags from
# $CXX $CXXFLAGS, the fuzzing engine from $LIB_FUZZING_ENGINE, binaries, dictionaries, options
# and <target>_seed_corpus.zip into $OUT. No CMake: the codec is compiled straight from its
# sources, so the build needs only a C++20 compiler, OpenSSL and simdjson (both from apt in
# .clusterfuzzlite/Dockerfile). .clusterfuzzlite/build.sh calls this script.
#
# Locally (fuzz/README.md):
#   CXX=clang++-14 CXXFLAGS="-fsanitize=address,fuzzer-no-link -g" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/ossout fuzz/oss_fuzz_build.sh
set -euo pipefail

: "${CXX:?set CXX}" "${OUT:?set OUT}" "${LIB_FUZZING_ENGINE:?set LIB_FUZZING_ENGINE}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-$(mktemp -d)}/wsspec"
mkdir -p "$OUT" "$work"

# OSS-Fuzz adds -stdlib=libc++ for MemorySanitizer's sake; simdjson comes from the distribution,
# built against libstdc++, and its API passes std::string, so this build stays on libstdc++
# (and does not offer MSan: project.yaml lists address and undefined only).
flags="${CXXFLAGS:-}"
flags="${flags//-stdlib=libc++/}"
flags="$flags -std=c++20 -I$root $(pkg-config --cflags simdjson 2>/dev/null || true)"

# Linked statically where the distribution has an archive (libcrypto); simdjson only ships a
# shared library, which goes next to the binaries: the runner image does not have it.
libdir="$(pkg-config --variable=libdir libcrypto 2>/dev/null || echo /usr/lib/x86_64-linux-gnu)"
crypto="-lcrypto"
[ -f "$libdir/libcrypto.a" ] && crypto="$libdir/libcrypto.a -ldl -pthread"
simdjson_so="$(ls "$libdir"/libsimdjson.so.* 2>/dev/null | head -n1 || true)"
mkdir -p "$OUT/lib"
[ -n "$simdjson_so" ] && cp -L "$simdjson_so" "$OUT/lib/"
libs="-L$libdir -lsimdjson $crypto -Wl,-rpath,\$ORIGIN/lib"

objects=()
for src in "$root"/codec/*.cpp "$root"/codec/handshake/*.cpp; do
    obj="$work/$(basename "$(dirname "$src")")_$(basename "$src" .cpp).o"
    # shellcheck disable=SC2086
    $CXX $flags -c "$src" -o "$obj"
    objects+=("$obj")
done

targets=()
for src in "$root"/fuzz/*_fuzzer.cpp; do
    name="$(basename "$src" .cpp)"
    # shellcheck disable=SC2086
    $CXX $flags "$src" "${objects[@]}" $LIB_FUZZING_ENGINE $libs -o "$OUT/$name"
    for extra in dict options; do
        [ -f "$root/fuzz/$name.$extra" ] && cp "$root/fuzz/$name.$extra" "$OUT/"
    done
    rm -f "$OUT/${name}_seed_corpus.zip"
    seeds=()
    for dir in "$root/fuzz/corpus/$name" "$root/fuzz/regressions/$name"; do
        [ -d "$dir" ] && seeds+=("$dir")
    done
    if [ ${#seeds[@]} -gt 0 ]; then
        (cd "$work" && find "${seeds[@]}" -type f -print | zip -q -j "$OUT/${name}_seed_corpus.zip" -@)
    fi
    targets+=("$name")
done
echo "built ${#targets[@]} fuzz targets into $OUT: ${targets[*]}"
