#!/usr/bin/env bash
# Prepare a Debian 12 machine for mermap-lab. Idempotent: a second run only checks and exits.
#
#   scripts/setup.sh                   npm dependencies + fonts-dejavu-core (PNG text)
#   scripts/setup.sh --with-notebooks  + jupyter-nbconvert jupyter-client python3-nbclient,
#                                        and the mermap-lab kernel (tslab) for the current user
#   scripts/setup.sh --with-browser    + chromium (report tests drive /usr/bin/chromium)
#   scripts/setup.sh --with-slurm      + slurmctld slurmd slurm-client munge (test/deploy starts
#                                        a one-node Slurm of its own in a temporary folder)
#   scripts/setup.sh --all             all three
#
# Needs Node.js >= 20.19 and npm already on PATH; Debian packages are installed as root (or via
# sudo) from the configured apt sources. Nothing is downloaded outside npm and apt.
set -euo pipefail

usage() {
  sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

with_notebooks=0
with_browser=0
with_slurm=0
for arg in "$@"; do
  case "$arg" in
    --with-notebooks) with_notebooks=1 ;;
    --with-browser) with_browser=1 ;;
    --with-slurm) with_slurm=1 ;;
    --all) with_notebooks=1; with_browser=1; with_slurm=1 ;;
    -h | --help) usage; exit 0 ;;
    *) printf 'setup: unknown option %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -f package.json ] && [ -f package-lock.json ] || die "package.json/package-lock.json not found in $root"

# --- Node.js ---------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 ||
  die "node is not on PATH: install Node.js >= 20.19 (Debian 12's own nodejs is 18, too old)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH (it comes with Node.js)"
node -e '
  const [maj, min] = process.versions.node.split(".").map(Number);
  process.exit(maj > 20 || (maj === 20 && min >= 19) ? 0 : 1);
' || die "Node.js $(node --version) is too old: mermap-lab needs >= 20.19 (require() of ES modules)"

# --- npm dependencies ------------------------------------------------------------------------
# npm writes node_modules/.package-lock.json on every install; if it is missing or older than
# package-lock.json, node_modules does not match the lock file.
marker=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  say "npm ci (node_modules missing or older than package-lock.json)..."
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed (is the npm registry reachable?)"
  touch "$marker"
else
  say "node_modules up to date"
fi

# --- Debian packages -------------------------------------------------------------------------
packages=(fonts-dejavu-core)
if [ "$with_notebooks" = 1 ]; then packages+=(jupyter-nbconvert jupyter-client python3-nbclient); fi
if [ "$with_browser" = 1 ]; then packages+=(chromium); fi
if [ "$with_slurm" = 1 ]; then packages+=(slurmctld slurmd slurm-client munge); fi

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

missing=()
for p in "${packages[@]}"; do
  is_installed "$p" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  say "Debian packages present: ${packages[*]}"
else
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${missing[*]} by hand"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "installing ${missing[*]} needs root: run as root or install sudo"
    sudo=(sudo)
  fi
  log="$(mktemp "${TMPDIR:-/tmp}/mermap-setup-apt.XXXXXX")"
  apt_fail() {
    printf 'setup: ERROR: %s; last lines of %s:\n' "$1" "$log" >&2
    tail -n 25 "$log" >&2
    exit 1
  }
  say "apt-get update..."
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
    apt_fail "apt-get update failed"
  say "apt-get install ${missing[*]}..."
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >>"$log" 2>&1 || apt_fail "apt-get install ${missing[*]} failed"
  for p in "${missing[@]}"; do
    is_installed "$p" || apt_fail "$p is still not installed after apt-get install"
  done
  rm -f "$log"
  say "installed ${missing[*]}"
fi

if [ "$with_slurm" = 1 ]; then
  for tool in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
      die "$tool is missing although the Slurm packages are installed"
  done
fi

if [ "$with_browser" = 1 ]; then
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing although the chromium package is installed"
fi

# --- the mermap-lab kernel ---------------------------------------------------------------------
# A tslab kernel named mermap-lab ("TypeScript (mermap-lab)"), so a user's own kernel named tslab
# is never replaced. Registered without `tslab install` (which wants IPython and a tslab on PATH):
# a kernel.json whose argv is this checkout's node_modules/.bin/tslab, installed with Debian's
# Jupyter. Debian's python is called explicitly: the first python3 on PATH may be one without
# Debian's modules.
#
# Notebooks import the library by name (`from 'mermap-lab'`). tslab type-checks a cell with
# TypeScript's node10 resolution and require()s from the notebook's folder, both of which walk up
# node_modules folders (NODE_PATH would do for require() but not for the type check), so this
# checkout gets node_modules/mermap-lab -> .. (relative: it survives moving the checkout).
if [ "$with_notebooks" = 1 ]; then
  kernel=mermap-lab
  tslab="$root/node_modules/.bin/tslab"
  [ -x "$tslab" ] || die "$tslab is missing: tslab is a devDependency, re-run npm ci"

  if [ ! -e node_modules/mermap-lab ] || [ "$(readlink node_modules/mermap-lab)" != .. ]; then
    rm -f node_modules/mermap-lab
    ln -s .. node_modules/mermap-lab || die "cannot create node_modules/mermap-lab"
    say "linked node_modules/mermap-lab -> .. (notebooks import the package by name)"
  fi

  if /usr/bin/python3 -m jupyter kernelspec --version >/dev/null 2>&1; then
    jupyter=(/usr/bin/python3 -m jupyter)
  elif [ -x /usr/bin/jupyter ] && /usr/bin/jupyter kernelspec --version >/dev/null 2>&1; then
    jupyter=(/usr/bin/jupyter)
  else
    die "'jupyter kernelspec' does not work with /usr/bin/python3 nor /usr/bin/jupyter (is jupyter-client installed?)"
  fi
  /usr/bin/python3 -c 'import nbclient, nbconvert' 2>/dev/null ||
    die "/usr/bin/python3 cannot import nbclient and nbconvert (python3-nbclient, jupyter-nbconvert)"

  spec_dir="$(mktemp -d "${TMPDIR:-/tmp}/mermap-kernel.XXXXXX")"
  trap 'rm -rf "$spec_dir"' EXIT
  mkdir "$spec_dir/$kernel"
  node -e '
    const spec = {
      argv: [process.argv[1], "kernel", "--config-path", "{connection_file}"],
      display_name: "TypeScript (mermap-lab)",
      language: "typescript",
    };
    process.stdout.write(JSON.stringify(spec, null, 2) + "\n");
  ' "$tslab" >"$spec_dir/$kernel/kernel.json"

  data_dir="$("${jupyter[@]}" --data-dir)" || die "'jupyter --data-dir' failed"
  installed="$data_dir/kernels/$kernel/kernel.json"
  if [ -f "$installed" ] && cmp -s "$installed" "$spec_dir/$kernel/kernel.json"; then
    say "kernel $kernel already registered ($installed)"
  else
    "${jupyter[@]}" kernelspec install --user --name "$kernel" "$spec_dir/$kernel" >/dev/null 2>&1 ||
      die "'jupyter kernelspec install --user --name $kernel' failed"
    cmp -s "$installed" "$spec_dir/$kernel/kernel.json" ||
      die "kernel.json was not written to $installed"
    say "registered kernel $kernel -> $tslab"
  fi
fi

say "done"
