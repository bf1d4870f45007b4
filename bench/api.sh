# Sourced by the benchmarks: the real API on Kestrel (Production, Release build, a fresh SQLite file) on
# 127.0.0.1:$port, with wrk installed and one signed-up user whose access token is in $token.
# Before sourcing, set port; extra settings for the server go in the array api_settings (NAME=value).
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

base=http://127.0.0.1:$port
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

dotnet publish Todo.Api -c Release -o "$work/app" --nologo -v q
env ASPNETCORE_ENVIRONMENT=Production \
  Jwt__SigningKey="$(head -c 48 /dev/urandom | base64)" \
  ConnectionStrings__Todo="Data Source=$work/bench.db" \
  Logging__LogLevel__Default=Warning \
  "${api_settings[@]}" \
  dotnet "$work/app/Todo.Api.dll" --urls "$base" &
server=$!
for _ in $(seq 1 50); do curl -sf "$base/health" >/dev/null && break; sleep 0.2; done

json='Content-Type: application/json'
curl -sf -X POST "$base/auth/signup" -H "$json" -d '{"email":"bench@example.com","password":"benchmark-password"}' >/dev/null
token=$(curl -sf -X POST "$base/auth/login" -H "$json" -d '{"email":"bench@example.com","password":"benchmark-password"}' \
  | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')

seed_todos() { # count
  for i in $(seq 1 "$1"); do
    curl -sf -X POST "$base/todos" -H "$json" -H "Authorization: Bearer $token" -d "{\"title\":\"seed $i\"}" >/dev/null
  done
}
