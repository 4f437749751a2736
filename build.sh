#!/usr/bin/env bash
# The README's commands in one place; .ci/run calls `./build.sh test`.
#   ./build.sh            build and install every module without tests
#   ./build.sh test [MAVEN ARGS]
#                         install the system packages the tests use (as root, where apt-get exists),
#                         then build every module and run every test: mvn -B install [MAVEN ARGS]
# SYSHOTPLUG_INSTALL=0 installs nothing; SYSHOTPLUG_LIVE=0 keeps the tests off this host's kernel.
set -euo pipefail
cd "$(dirname "$0")"

# file or command that proves the package is there : Debian package that brings it : who needs it
packages=(
  "qemu-system-ppc64:qemu-system-ppc:the POWER guest differential run (rtas-bundle PseriesGuestDifferentialTest)"
  "/usr/share/seabios/vgabios-stdvga.bin:seabios:the POWER guest (QEMU's default VGA ROM, a recommendation of qemu-system-ppc)"
  "qemu-system-x86_64:qemu-system-x86:the x86 ACPI guest (platform-bundle X86GuestSmokeTest; tools/x86-acpi-guest runs QEMU 10 from bookworm-backports on this package's libraries and seabios)"
  "gcc:gcc:the x86 guest's agent (platform-bundle AgentSystemFilesTest builds it for this host, tools/x86-acpi-guest for the guest)"
  "/usr/lib/x86_64-linux-gnu/libc.a:libc6-dev:the x86 guest's static agent (gcc -static in tools/x86-acpi-guest)"
  "numactl:numactl:the NUMA node tests"
  "lsmem:util-linux:the lsmem comparison (memory-bundle LsmemAgainstUtilLinuxTest)"
  "/usr/bin/chromium:chromium:the web console's browser test (itests WebConsoleTest)"
  "/usr/bin/chromedriver:chromium-driver:the web console's browser test (itests WebConsoleTest)"
  "/usr/sbin/mosquitto:mosquitto:the fleet integration test (itests FleetTest starts its own broker on loopback)"
  "socat:socat:the service's fast local client (distribution ServiceModeTest; bin/syshotplug falls back to Java without it)"
)

install_test_packages() {
  [ "${SYSHOTPLUG_INSTALL:-1}" != 0 ] || return 0
  local need=() why=() entry cmd pkg what
  for entry in "${packages[@]}"; do
    IFS=: read -r cmd pkg what <<<"$entry"
    if [ "${cmd#/}" != "$cmd" ]; then [ -e "$cmd" ]; else command -v "$cmd" >/dev/null 2>&1; fi \
      || { need+=("$pkg"); why+=("$pkg ($what)"); }
  done
  [ ${#need[@]} -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    for entry in "${why[@]}"; do echo "build.sh: not installing $entry: needs root and apt-get; those tests skip"; done
    return 0
  fi
  echo "build.sh: installing ${need[*]} for the tests"
  apt-get update -qq >/dev/null 2>&1 || true
  for pkg in "${need[@]}"; do
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 \
      || echo "build.sh: could not install $pkg; the tests that need it skip"
  done
  # The package starts a system broker on port 1883 where systemd runs; the tests start their own.
  if [[ " ${need[*]} " == *" mosquitto "* ]] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now mosquitto >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  "") exec mvn -B -q install -DskipTests ;;
  test) shift; install_test_packages; exec mvn -B install "$@" ;;
  -h|--help) sed -n 2,7p "$0" | sed 's/^# \{0,1\}//' ;;
  *) echo "build.sh: unknown command '$1' (expected nothing or 'test'; see ./build.sh --help)" >&2; exit 2 ;;
esac
