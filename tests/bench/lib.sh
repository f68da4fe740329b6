# lib.sh: steps every tests/bench/*.sh script shares, sourced after it has
# set here (the source tree), build (the build directory) and defined die.
# Building, the Release check and the scratch directory are done one way so
# that the figures of two scripts come from trees built alike.

# bench_build NAME TARGET...: unless BENCH_BUILD=0, configure BUILD as
# Release if it has no cache yet and bring TARGETs up to date; then warn
# (as NAME) when BUILD is not a Release tree. Warnings are not errors here:
# a benchmark measures, it does not gate.
bench_build() {
	local name=$1 btype
	shift
	if [ "${BENCH_BUILD:-1}" != 0 ]; then
		mkdir -p "$build"
		if [ ! -f "$build/CMakeCache.txt" ]; then
			cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$build/bench-build.log" 2>&1 ||
				{ tail -20 "$build/bench-build.log" >&2; die "cmake failed; log in $build/bench-build.log"; }
		fi
		cmake --build "$build" -j2 --target "$@" >"$build/bench-build.log" 2>&1 ||
			{ tail -20 "$build/bench-build.log" >&2; die "build failed; log in $build/bench-build.log"; }
	fi
	btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
	[ "$btype" = Release ] ||
		echo "$name: warning: $build is a '${btype:-default}' build, not Release" >&2
}

# bench_scratch: make the scratch directory tmp and, on exit, stop the
# server whose pid is in bench_pid (if any) and remove tmp, unless
# BENCH_KEEP=1 asks to keep it for a look afterwards.
bench_scratch() {
	tmp=$(mktemp -d)
	bench_pid=
	trap bench_cleanup EXIT
}

bench_cleanup() {
	if [ -n "$bench_pid" ]; then
		kill "$bench_pid" 2>/dev/null || true
		wait "$bench_pid" 2>/dev/null || true
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "scratch directory kept: $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
