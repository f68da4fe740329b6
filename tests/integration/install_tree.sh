#!/usr/bin/env bash
# install_tree.sh: `cmake --install` of the test's own build directory puts
# exactly the expected files in the expected places for a private prefix,
# for /usr (configs in /etc) and for /opt/tocsin (configs in /etc/opt/tocsin);
# the installed programs run; `cpack -G DEB` builds a package named tocsin
# with the /usr tree, computed Depends and the configs as conffiles, which
# dpkg installs, reinstalls keeping a local edit, and purges.
. "$TOCSIN_SOURCE_DIR/tests/lib/common.sh"

BUILD=${TOCSIN_BUILD_DIR:?}
SRC=$TOCSIN_SOURCE_DIR
VERSION=$(sed -nE 's/^project\(tocsin VERSION ([0-9.]+) .*/\1/p' "$SRC/CMakeLists.txt")
[ -n "$VERSION" ] || fail "no version in CMakeLists.txt"
rm -rf "$TMP/local" "$TMP/dest" "$TMP/opt" "$TMP/pkg" "$TMP/x"

programs=(tocsin-relay)
[ -x "$BUILD/watchdog/tocsin-watchdog" ] && programs+=(tocsin-watchdog)

# The files an install must hold, given where the configs go ($1, relative
# to the root of the listing) and the prefix ($2, relative likewise).
expected() {
	local etc=$1 pre=$2 p f
	{
		for p in "${programs[@]}"; do
			echo "$pre/bin/$p"
			echo "$pre/share/man/man1/$p.1"
			[ -f "$SRC/systemd/$p.service" ] && echo "$pre/lib/systemd/system/$p.service"
		done
		for f in "$SRC"/etc/*.yml "$SRC"/etc/README*; do echo "$etc/tocsin/${f##*/}"; done
		for f in "$SRC"/templates/*.tmpl; do echo "$pre/share/tocsin/templates/${f##*/}"; done
		echo "$pre/share/doc/tocsin/README.md"
		echo "$pre/share/doc/tocsin/copyright"
		for f in "$SRC"/docs/*.md; do echo "$pre/share/doc/tocsin/${f##*/}"; done
	} | sed 's#^/##' | LC_ALL=C sort
}

listing() {
	(cd "$1" && find . -type f -o -type l) | sed 's#^\./##' | LC_ALL=C sort
}

# A private prefix: everything under it, the units naming its paths.
cmake --install "$BUILD" --prefix "$TMP/local" >"$TMP/install.out" 2>&1 ||
    { cat "$TMP/install.out" >&2; fail "cmake --install --prefix failed"; }
expect_eq "files under a private prefix" "$(expected etc "")" "$(listing "$TMP/local")"
expect_eq "tocsin-relay.service under a private prefix" \
    "ExecStart=$TMP/local/bin/tocsin-relay \\
	--config.file=$TMP/local/etc/tocsin/relay.yml \\" \
    "$(grep -A1 '^ExecStart=' "$TMP/local/lib/systemd/system/tocsin-relay.service")"
for p in "${programs[@]}"; do
	expect_eq "installed $p --version" "$p, version $VERSION" \
	    "$("$TMP/local/bin/$p" --version 2>&1)"
	cmp -s "$TMP/local/share/man/man1/$p.1" <("$TMP/local/bin/$p" --help-man) ||
	    expect_eq "installed $p.1 is the program's --help-man" same differs
done
cmp -s "$SRC/etc/watchdog.yml" "$TMP/local/etc/tocsin/watchdog.yml" ||
    expect_eq "etc/watchdog.yml installed unchanged" same differs

# /usr under DESTDIR: configs in /etc, units exactly as in the source tree.
DESTDIR=$TMP/dest cmake --install "$BUILD" --prefix /usr >"$TMP/install.out" 2>&1 ||
    { cat "$TMP/install.out" >&2; fail "DESTDIR=... cmake --install --prefix /usr failed"; }
expect_eq "files for prefix /usr" "$(expected /etc /usr)" "$(listing "$TMP/dest")"
for p in "${programs[@]}"; do
	[ -f "$SRC/systemd/$p.service" ] || continue
	cmp -s "$SRC/systemd/$p.service" "$TMP/dest/usr/lib/systemd/system/$p.service" ||
	    expect_eq "$p.service for /usr is the source's" same differs
done

# /opt/tocsin: SYSCONFDIR is /etc/opt/tocsin, as GNUInstallDirs has it.
DESTDIR=$TMP/opt cmake --install "$BUILD" --prefix /opt/tocsin >"$TMP/install.out" 2>&1 ||
    { cat "$TMP/install.out" >&2; fail "cmake --install --prefix /opt/tocsin failed"; }
expect_eq "files for prefix /opt/tocsin" "$(expected /etc/opt/tocsin /opt/tocsin)" "$(listing "$TMP/opt")"

# The Debian package, from the same build directory.
cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$TMP/pkg" >"$TMP/cpack.out" 2>&1 ||
    { cat "$TMP/cpack.out" >&2; fail "cpack -G DEB failed"; }
arch=$(dpkg --print-architecture)
deb=$TMP/pkg/tocsin_${VERSION}_$arch.deb
[ -f "$deb" ] || { ls "$TMP/pkg" >&2; fail "no $deb"; }
expect_eq "DEB Package, Version, Architecture, Section" "tocsin
$VERSION
$arch
net" "$(for f in Package Version Architecture Section; do dpkg-deb -f "$deb" "$f"; done)"
# Depends is dpkg-shlibdeps' answer: one entry per linked library's package
# (Debian 12's names), and the sanitizers' runtimes in a sanitized build.
libs=(libc6 libcrypt1 libcurl4 libesmtp6 libgnutls30 libjansson4 libmicrohttpd12
    libpcre2-8-0 libpq5 libsqlite3-0 libssl3 libsystemd0 libunistring2 libyaml-0-2)
grep -q '^TOCSIN_SANITIZE:BOOL=ON$' "$BUILD/CMakeCache.txt" && libs+=(libasan8 libubsan1)
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/^ +//; s/ .*//' | LC_ALL=C sort)
expect_eq "DEB Depends packages" "$(printf '%s\n' "${libs[@]}" | LC_ALL=C sort)" "$depends"
expect_eq "DEB files" "$(expected /etc /usr)" \
    "$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's#^\./##' | LC_ALL=C sort)"
expect_eq "DEB file owners" "root/root" "$(dpkg-deb -c "$deb" | awk '{ print $2 }' | sort -u)"
dpkg-deb -e "$deb" "$TMP/pkg/control"
expect_eq "DEB conffiles" "$(expected /etc /usr | grep '^etc/' | sed 's#^#/#')" \
    "$(LC_ALL=C sort "$TMP/pkg/control/conffiles")"
expect_eq "DEB maintainer scripts" "conffiles control md5sums" \
    "$(ls "$TMP/pkg/control" | tr '\n' ' ' | sed 's/ $//')"
dpkg-deb -x "$deb" "$TMP/x"
expect_eq "DEB copyright file = LICENSE" "$(cat "$SRC/LICENSE")" \
    "$(cat "$TMP/x/usr/share/doc/tocsin/copyright")"
for p in "${programs[@]}"; do
	expect_eq "packaged $p --version" "$p, version $VERSION" "$("$TMP/x/usr/bin/$p" --version 2>&1)"
done

# dpkg installs it (into a root of its own; the libraries are the host's),
# and installing it again keeps a locally edited config, as the README says.
root=$TMP/root
rm -rf "$root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
# dpkg wants ldconfig and start-stop-daemon on PATH, also for a user.
dpkg_root() { PATH=$PATH:/usr/sbin:/sbin dpkg --root="$root" --force-not-root --force-depends "$@" >>"$TMP/dpkg.out" 2>&1; }
dpkg_root -i "$deb" || { cat "$TMP/dpkg.out" >&2; fail "dpkg -i failed"; }
expect_eq "dpkg status after install" "install ok installed" \
    "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' tocsin)"
echo "# edited here" >>"$root/etc/tocsin/relay-severity.yml"
dpkg_root -i "$deb" || { cat "$TMP/dpkg.out" >&2; fail "dpkg -i (again) failed"; }
expect_eq "a local edit to a conffile survives reinstalling" "# edited here" \
    "$(tail -n 1 "$root/etc/tocsin/relay-severity.yml")"
dpkg_root --purge tocsin || { cat "$TMP/dpkg.out" >&2; fail "dpkg --purge failed"; }
expect_eq "files left after purge" "" "$(cd "$root" && find etc usr -type f 2>/dev/null)"
finish
