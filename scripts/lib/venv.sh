# A Python virtual environment in the checkout for the scripts that compare crmq with other
# tools (scripts/bench: DuckDB and Polars; scripts/test: the checks in scripts/checks/).

# ensure_venv DIR PACKAGE...: creates the virtual environment DIR if it is missing and installs
# the PyPI packages it lacks; a list of what was installed (DIR/crmq-packages.txt) tells when
# a package has been added since. Prints nothing on success when all is in place.
ensure_venv() {
    local venv="$1"
    shift
    local wanted
    wanted="$(printf '%s\n' "$@" | sort -u)"
    if [ -x "$venv/bin/python" ] && [ -f "$venv/crmq-packages.txt" ] \
        && [ -z "$(comm -13 "$venv/crmq-packages.txt" <(printf '%s\n' "$wanted"))" ]; then
        return 0
    fi
    echo "preparing $venv ($*) ..." >&2
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q "$@" >&2
    {
        [ -f "$venv/crmq-packages.txt" ] && cat "$venv/crmq-packages.txt"
        printf '%s\n' "$wanted"
    } | sort -u >"$venv/crmq-packages.txt.tmp"
    mv "$venv/crmq-packages.txt.tmp" "$venv/crmq-packages.txt"
}
