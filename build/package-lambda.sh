#!/usr/bin/env bash
# Builds the AWS Lambda package of the Todo API.
#
#   build/package-lambda.sh OUTDIR [--self-contained]
#
# OUTDIR/publish/            the published application for linux-x64 (ReadyToRun), with todo.db migrated at build
#                            time and a `bootstrap` script for the provided.al2023 runtime
# OUTDIR/todo-api-lambda.zip that folder zipped: the CodeUri of serverless.template, or `aws lambda` deployments
#
# Framework-dependent by default, for the managed dotnet10 runtime (the executable handler Todo.Api, or the class-library handler
# Todo.Api::Todo.Api.LambdaEntryPoint::FunctionHandlerAsync). --self-contained bundles the .NET runtime too, for
# provided.al2023, which has none: there `bootstrap` starts the program and our Runtime API client serves events.
set -euo pipefail

usage() { echo "usage: $0 OUTDIR [--self-contained]" >&2; exit 2; }
[ $# -ge 1 ] || usage
out=$1
self_contained=false
case "${2:-}" in
  "") ;;
  --self-contained) self_contained=true ;;
  *) usage ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
publish="$out/publish"
zip_file="$out/todo-api-lambda.zip"
rm -rf "$publish" "$zip_file"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Building is not running on Lambda: never let a stray variable turn the build-time tools into a Lambda runtime.
unset AWS_LAMBDA_RUNTIME_API

# Per-assembly ReadyToRun images, not the Kestrel publish's composite one (a single 107 MB image of the runtime and
# the app): the zip stays under 25 MB, and on Lambda the composite did not start measurably faster.
echo "Publishing Todo.Api for linux-x64 (ReadyToRun, self-contained: $self_contained) to $publish"
dotnet publish "$root/Todo.Api/Todo.Api.csproj" \
  --configuration Release \
  --runtime linux-x64 \
  --self-contained "$self_contained" \
  -p:PublishReadyToRun=true \
  -p:PublishReadyToRunComposite=false \
  -p:GenerateDocumentationFile=false \
  --output "$publish" \
  --nologo

# Development settings generate a signing key; they have no place in a deployment.
rm -f "$publish/appsettings.Development.json"

# The database the package carries: every migration applied now, by the published program's own migrate command,
# so a cold start only copies a file into /tmp.
echo "Building the migrated database $publish/todo.db"
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  "$publish/Todo.Api" migrate --contentRoot="$publish" "--ConnectionStrings:Todo=Data Source=$publish/todo.db"
# The migrate process's claim on the file (SqliteFileClaim); the copy in /tmp gets its own.
rm -f "$publish/todo.db.lock"

cat > "$publish/bootstrap" <<'BOOTSTRAP'
#!/bin/sh
# provided.al2023 entry point (needs the --self-contained package): Lambda sets AWS_LAMBDA_RUNTIME_API, so the
# program serves invocations through its own Runtime API client.
set -e
cd "$LAMBDA_TASK_ROOT"
exec ./Todo.Api "$@"
BOOTSTRAP
chmod 755 "$publish/bootstrap" "$publish/Todo.Api"

# Unix permissions (the executables above) must survive in the zip.
if command -v zip >/dev/null; then
  (cd "$publish" && zip -q -r -X "$zip_file" .)
elif command -v python3 >/dev/null; then
  # zipfile.write stores each file's mode, as zip does.
  python3 - "$publish" "$zip_file" <<'PYTHON'
import os, sys, zipfile
root, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = os.path.join(folder, name)
            archive.write(path, os.path.relpath(path, root))
PYTHON
else
  echo "Neither zip nor python3 is installed; install zip (apt-get install zip)." >&2
  exit 1
fi
size=$(wc -c < "$zip_file" | tr -d ' ')
echo "Wrote $zip_file ($size bytes, $((size / 1024 / 1024)) MiB)"
