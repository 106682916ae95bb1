# Shared set-up for scripts/: makes sure what crmq needs is on this machine,
# installing Debian packages when they are missing (as root, or with sudo).

# Debian packages crmq builds or tests with:
# libedit-dev: the line editor of the interactive shell (headers and pkg-config file);
# sqlite3: the CRM measures are checked against the same rules in SQL
# (Tests/CrmqCRMTests/SQLiteComparisonTests.swift);
# chromium: a notebook's HTML is opened in a headless browser (Tests/EndToEndTests/NotebookTests.swift).
# liblz4-dev, libzstd-dev: the codecs of compressed Arrow IPC files (Sources/CrmqArrow).
CRMQ_DEBIAN_PACKAGES=(libedit-dev sqlite3 chromium liblz4-dev libzstd-dev)

ensure_toolchain() {
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        else
            echo "crmq needs the Swift 6 toolchain (swift.org); 'swift' is not on PATH" >&2
            exit 1
        fi
    fi
    ensure_debian_packages "${CRMQ_DEBIAN_PACKAGES[@]}"
}

# ensure_debian_packages PACKAGE...: installs those not installed (apt-get update first).
ensure_debian_packages() {
    local missing=()
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        echo "installing ${missing[*]} ..." >&2
        $sudo apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
    fi
}

# Python packages the cross-checks under scripts/checks/ compare crmq with (PyPI):
# numpy: regression coefficients and corr/covar (scripts/checks/regression_check.py);
# scikit-learn: k-means inertia (scripts/checks/kmeans_check.py), logistic regression (scripts/checks/churn_check.py).
# (scripts/checks/windows_check.py and baskets_check.py need none: SQLite through Python's own sqlite3, plain counts.)
# Add a package here when a check needs it; ensure_venv installs whatever is missing.
# pyarrow: Arrow IPC files written for the reader to load (scripts/checks/arrow_check.py).
CRMQ_CHECK_PACKAGES=(numpy scikit-learn pyarrow)
# lifetimes 0.11.3 (scripts/checks/btyd_check.py: BG/NBD and Gamma-Gamma) is from 2020 and
# needs the numpy, scipy and pandas of its time, so it has its own environment, .venv-lifetimes.
CRMQ_LIFETIMES_PACKAGES=(numpy==1.26.4 scipy==1.11.4 pandas==1.5.3 autograd==1.6.2 dill==0.4.1 lifetimes==0.11.3)

# ensure_venv DIR PACKAGE...: a Python virtual environment at DIR holding the packages
# (created, or topped up, when one of them does not import). Prints nothing on stdout.
ensure_venv() {
    local venv="$1"
    shift
    local modules=()
    for p in "$@"; do
        p="${p%%[=<>]*}"
        case "$p" in
            scikit-learn) modules+=(sklearn) ;;
            *) modules+=("$p") ;;
        esac
    done
    local imports
    imports="$(IFS=,; echo "${modules[*]}")"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import $imports" 2>/dev/null; then
        echo "preparing $venv ($*) ..." >&2
        [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
        "$venv/bin/pip" install -q "$@" >&2
    fi
}
