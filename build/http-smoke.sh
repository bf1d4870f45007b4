#!/usr/bin/env bash
# Runs the editor .http files against a freshly started API, with httpyac (npx, Node.js 18+), as CI does.
#
#   build/http-smoke.sh
#
# Starts the API in Development (`dotnet run --no-launch-profile`) on 127.0.0.1 and a free port, with its SQLite
# database and temp files in a directory of its own (never Todo.Api/App_Data), waits for /health, then:
#   1. Todo.Api/Todo.Api.jetbrains.http: every request asserts its status (client.test); --bail stops at the first
#      failure, and httpyac's exit code fails the run.
#   2. Todo.Api/Todo.Api.http (REST Client / Visual Studio syntax): httpyac does not read `{{name.response.body.$.x}}`
#      or `{{name.response.headers.X}}`, so a copy with those references rewritten to httpyac's `{{name.x}}` and
#      `{{nameResponse.headers["x"]}}` (lower-case header names) is run, and every response must be 2xx/3xx.
# Both files run on copies whose `@baseUrl` line points at the started API (httpyac's --var cannot override a
# variable the file defines). The API is stopped and the directory deleted however the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."

httpyac=(npx --yes httpyac@6.16.7)
command -v npx >/dev/null || { echo "http-smoke: npx not found; httpyac needs Node.js 18 or later" >&2; exit 1; }

free_port() {
    # A port nothing answers on; bash's /dev/tcp, so that no other tool is needed.
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "no free port found" >&2
    exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/todo-http-smoke.XXXXXX")
api_pid=
stop() {
    if [[ -n "$api_pid" ]]; then
        # The API runs in a process group of its own (setsid): dotnet run and the app it started.
        kill -TERM -- "-$api_pid" 2>/dev/null || true
        wait "$api_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap stop EXIT
trap "exit 130" INT
trap "exit 143" TERM

# Built first, so that the wait for /health below is only the start-up (a no-op when `dotnet test` has built it).
dotnet build Todo.Api -v q -nologo

port=$(free_port)
base="http://127.0.0.1:$port"
echo "http-smoke: starting the API on $base (database and temp files in $tmp)"
ASPNETCORE_ENVIRONMENT=Development TMPDIR="$tmp" setsid dotnet run --project Todo.Api --no-build --no-launch-profile -- \
    --urls "$base" --ConnectionStrings:Todo="Data Source=$tmp/todo.db" >"$tmp/api.log" 2>&1 &
api_pid=$!

healthy() {
    node -e 'fetch(process.argv[1]).then(r => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$base/health"
}
for _ in $(seq 120); do
    healthy && break
    if ! kill -0 "$api_pid" 2>/dev/null; then
        echo "http-smoke: the API exited before answering /health:" >&2
        cat "$tmp/api.log" >&2
        exit 1
    fi
    sleep 1
done
healthy || { echo "http-smoke: no 200 from $base/health after 120 s:" >&2; tail -n 50 "$tmp/api.log" >&2; exit 1; }

# A copy of an .http file that targets the started API; fails if the file no longer has the line to rewrite.
copy_for_api() {
    local source=$1 target=$2
    shift 2
    sed -e "s|^@baseUrl = .*|@baseUrl = $base|" "$@" "$source" >"$target"
    grep -qx "@baseUrl = $base" "$target" || { echo "http-smoke: no '@baseUrl = …' line in $source" >&2; exit 1; }
}

status=0

echo "http-smoke: Todo.Api/Todo.Api.jetbrains.http"
copy_for_api Todo.Api/Todo.Api.jetbrains.http "$tmp/Todo.Api.jetbrains.http"
# httpyac wants the file under its working directory.
(cd "$tmp" && "${httpyac[@]}" send Todo.Api.jetbrains.http --all --bail --output short --output-failed exchange) || status=$?
if [[ $status -ne 0 ]]; then
    echo "http-smoke: Todo.Api.jetbrains.http failed (httpyac exit code $status)" >&2
fi

echo "http-smoke: Todo.Api/Todo.Api.http (request variables rewritten for httpyac)"
copy_for_api Todo.Api/Todo.Api.http "$tmp/Todo.Api.http" -e 's/{{\([A-Za-z0-9_]*\)\.response\.body\.\$\./{{\1./g' \
    -e 's/{{\([A-Za-z0-9_]*\)\.response\.headers\.\([A-Za-z-]*\)}}/{{\1Response.headers["\L\2\E"]}}/g'
rest_status=0
(cd "$tmp" && "${httpyac[@]}" send Todo.Api.http --all --bail --json >rest.json) || rest_status=$?
[[ -s "$tmp/rest.json" ]] && node - "$tmp/rest.json" <<'EOF' || rest_status=1
// Every request must have answered 2xx or 3xx: the file has no assertions of its own.
const report = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
let failed = 0;
for (const request of report.requests) {
    const code = request.response ? request.response.statusCode : undefined;
    const ok = code !== undefined && code < 400;
    if (!ok) failed++;
    console.log(`${ok ? "ok  " : "FAIL"} ${code ?? "no response"} ${request.title || request.name}`);
}
const summary = report.summary;
console.log(`${summary.totalRequests} requests: ${summary.successRequests} succeeded, ${summary.erroredRequests} errored, ` +
    `${summary.skippedRequests} skipped, ${failed} without a 2xx/3xx answer`);
process.exit(failed === 0 && summary.erroredRequests === 0 && summary.totalRequests > 0 ? 0 : 1);
EOF
if [[ $rest_status -ne 0 ]]; then
    echo "http-smoke: Todo.Api.http failed" >&2
    status=1
fi

if [[ $status -ne 0 ]]; then
    echo "http-smoke: FAILED; the API's log:" >&2
    tail -n 50 "$tmp/api.log" >&2
    exit 1
fi
echo "http-smoke: every request succeeded"
