# Sourced by scripts/test and scripts/screenshots: the virtualenv with the test extras,
# and the Debian packages the tests drive (Dovecot, Chromium), installed when missing.

step() { printf '\n==> %s\n' "$*"; }

apt_install() {
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        echo "missing: apt-get install $*" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_venv() {
    if [[ ! -x .venv/bin/python ]]; then
        step "creating .venv"
        if ! python3 -m venv .venv; then
            # Debian ships venv separately.
            rm -rf .venv
            apt_install python3-venv
            python3 -m venv .venv
        fi
    fi
    local stamp=.venv/.casedesk-installed wanted
    wanted=$(sha256sum <pyproject.toml | cut -d' ' -f1)
    if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
        step "installing casedesk and its test dependencies into .venv"
        if ! .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' \
            >.venv/install.log 2>&1; then
            cat .venv/install.log >&2
            exit 1
        fi
        echo "$wanted" >"$stamp"
    fi
    export PATH="$PWD/.venv/bin:$PATH"
}

ensure_dovecot() {
    if ! command -v dovecot >/dev/null 2>&1 && [[ ! -x /usr/sbin/dovecot ]]; then
        step "installing dovecot-imapd (the email tests' IMAP server)"
        # Only the binaries are used: the tests start their own server with their own config.
        apt_install dovecot-imapd
    fi
}

ensure_chromium() {
    if [[ ! -x /usr/bin/chromium ]]; then
        step "installing chromium (the web pages' browser tests drive it with Playwright)"
        apt_install chromium fonts-dejavu-core
    fi
}

ensure_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        step "installing nodejs and npm (the single sign-on tests run an OpenID provider)"
        apt_install nodejs npm
    fi
}

# The OpenID provider of the single sign-on tests (panva's oidc-provider, pinned in
# tests/oidc/package-lock.json), installed into tests/oidc/node_modules (git-ignored)
# when missing or when the lock file changed.
ensure_openid_provider() {
    ensure_node
    local dir=tests/oidc stamp=tests/oidc/node_modules/.casedesk-installed wanted
    wanted=$(sha256sum <"$dir/package-lock.json" | cut -d' ' -f1)
    if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
        step "installing the test OpenID provider (npm ci in $dir)"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
        echo "$wanted" >"$stamp"
    fi
}
