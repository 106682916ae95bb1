# A private Spark Connect server for the tests (docs/backends.md): the Spark Connect server of
# the pyspark package from PyPI (its jars include spark-connect; sbin/spark-daemon.sh submits
# the server class, as Spark's start-connect-server.sh does), on Debian's Java 17,
# in local mode with a 2 GB driver (the default 1 GB ran out over the golden corpus's ~900 sessions
# before crmq released them), bound to 127.0.0.1 on a free port, with its logs, warehouse and work
# files in a temporary folder; stopped by stop_private_spark.
#
#   start_private_spark     sets and exports CRMQ_TEST_SPARK_URL (sc://127.0.0.1:PORT)
#   stop_private_spark      stops the server and removes its folder (idempotent)
#
# pyspark lives in the virtual environment .venv-spark (CRMQ_SPARK_PACKAGES), made when missing.

CRMQ_SPARK_PACKAGES=(pyspark==4.0.1)
CRMQ_SPARK_DEBIAN_PACKAGES=(openjdk-17-jre-headless)
_crmq_spark_dir=""
_crmq_spark_home=""
_crmq_spark_class=org.apache.spark.sql.connect.service.SparkConnectServer

start_private_spark() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    command -v java >/dev/null 2>&1 || ensure_debian_packages "${CRMQ_SPARK_DEBIAN_PACKAGES[@]}"
    ensure_venv "$root/.venv-spark" "${CRMQ_SPARK_PACKAGES[@]}"
    _crmq_spark_home="$("$root/.venv-spark/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
    _crmq_spark_dir="$(mktemp -d "${TMPDIR:-/tmp}/crmq-spark.XXXXXX")"
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # The daemon script writes its pid and logs under SPARK_PID_DIR and SPARK_LOG_DIR.
    SPARK_HOME="$_crmq_spark_home" SPARK_PID_DIR="$_crmq_spark_dir" SPARK_LOG_DIR="$_crmq_spark_dir" \
        SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$_crmq_spark_dir/work" SPARK_IDENT_STRING=crmq \
        bash "$_crmq_spark_home/sbin/spark-daemon.sh" submit "$_crmq_spark_class" 1 --name "Spark Connect server" --master "local[2]" --driver-memory 2g \
        --conf spark.connect.grpc.binding.address=127.0.0.1 --conf spark.connect.grpc.binding.port="$port" \
        --conf spark.sql.warehouse.dir="$_crmq_spark_dir/warehouse" --conf spark.ui.enabled=false \
        --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
        --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$_crmq_spark_dir" >"$_crmq_spark_dir/start.log" 2>&1 || {
        cat "$_crmq_spark_dir/start.log" >&2
        return 1
    }
    # Ready when the port accepts connections (about 20 s here).
    local i
    for i in $(seq 1 180); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then
            export CRMQ_TEST_SPARK_URL="sc://127.0.0.1:$port"
            echo "Spark Connect started on 127.0.0.1:$port in ${i}s ($_crmq_spark_dir)" >&2
            return 0
        fi
        sleep 1
    done
    echo "the Spark Connect server did not listen within 180 s; its log:" >&2
    tail -40 "$_crmq_spark_dir"/*.out >&2 || true
    stop_private_spark
    return 1
}

stop_private_spark() {
    [ -n "$_crmq_spark_dir" ] || return 0
    SPARK_HOME="$_crmq_spark_home" SPARK_PID_DIR="$_crmq_spark_dir" SPARK_IDENT_STRING=crmq \
        bash "$_crmq_spark_home/sbin/spark-daemon.sh" stop "$_crmq_spark_class" 1 >/dev/null 2>&1 || true
    rm -rf "$_crmq_spark_dir"
    _crmq_spark_dir=""
}
