#!/usr/bin/env bash
# The Hub demo: installs what is missing, builds, generates a sample B2B
# world, starts hubd on its defaults (./hub.db, 127.0.0.1:50051, a generated
# admin token) plus the write-path person matcher of
# docs/person_matching.example.textproto, syncs every source, shows what was
# merged (by identifiers and by the matcher), the merges left for review and
# one unified profile with its lineage and its lifecycle stages, the
# funnel of a year (table, terminal bar chart, an SVG chart) and of a
# segment, every stage's metrics and the customer value by industry, and
# stops hubd.
#
# HUB_DEMO_DIR (default: a new temporary folder) holds the world and hub.db.
# HUB_DEMO_ACCOUNTS (default 300) sizes the world.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source tools/deps.sh
hub_install_deps
echo "== Building hubd, hubctl, hub-sample" >&2
hub_build build --target hubd hubctl hub-sample
bin="$root/build/bin"

work="${HUB_DEMO_DIR:-$(mktemp -d /tmp/hub-demo.XXXXXX)}"
mkdir -p "$work"
cd "$work"
rm -f hub.db hub.db-wal hub.db-shm
accounts="${HUB_DEMO_ACCOUNTS:-300}"
echo "== Generating a sample world of $accounts accounts in $work/world" >&2
"$bin/hub-sample" --out world --accounts "$accounts" --seed 42

echo "== Starting hubd (defaults + person matching) in $work" >&2
{ echo "person_matching {"; cat "$root/docs/person_matching.example.textproto"; echo "}"; } > hub.textproto
"$bin/hubd" --config hub.textproto >hubd.out 2>hubd.log &
hubd_pid=$!
trap 'kill -TERM $hubd_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '"msg":"listening"' hubd.log 2>/dev/null && break
  if ! kill -0 $hubd_pid 2>/dev/null; then
    echo "hubd failed to start:" >&2; cat hubd.log >&2; exit 1
  fi
  sleep 0.1
done
export HUB_TOKEN="$(sed -n 's/^HUB_TOKEN=//p' hubd.out)"
echo "hubd is up; its one-time admin token is in $work/hubd.out" >&2

for kind in salesforce mailchimp segment ga4 zendesk; do
  "$bin/hubctl" sources create "$kind" --kind "$kind" --path "$work/world/$kind" >/dev/null
done
echo "== Syncing every source" >&2
for kind in salesforce mailchimp segment ga4 zendesk; do
  "$bin/hubctl" sync run "$kind" --wait >/dev/null
done

echo
echo "== What was merged"
for kind in salesforce mailchimp segment ga4 zendesk; do
  "$bin/hubctl" sync list "$kind" --output json
done | /usr/bin/python3 -c '
import json, sys
text = sys.stdin.read()
decoder, pos, rows = json.JSONDecoder(), 0, []
while pos < len(text.strip()):
    doc, end = decoder.raw_decode(text, pos)
    pos = end
    while pos < len(text) and text[pos].isspace(): pos += 1
    job = doc["syncJobs"][0]
    rows.append([job["name"].split("/")[1]] + [str(job.get(k, "0")) for k in (
        "recordsRead", "recordsIngested", "recordsQuarantined", "profilesCreated",
        "accountsCreated", "merges", "probabilisticMerges", "mergeSuggestions",
        "identityRefusals")])
head = ["source", "read", "ingested", "quarantined", "profiles+", "accounts+", "merges",
        "by matcher", "for review", "refused"]
widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
for r in [head] + rows:
    print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
'
echo
/usr/bin/python3 - "$work/world/truth/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"The world holds {s['persons']} true persons and {s['accounts']} accounts in {s['records']} source records "
      f"({s['invalid_records']} deliberately invalid, now in quarantine).")
print(f"Their deterministic identifiers join them into {s['person_fragments']} person and {s['account_fragments']} account clusters "
      f"(anonymous visitors who never identify stay apart).")
PY
persons=$("$bin/hubctl" profiles list --all --output json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("profiles", [])))')
accts=$("$bin/hubctl" accounts list --all --output json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("accounts", [])))')
echo "Hub holds $persons unified person profiles and $accts accounts: the matcher joined"
echo "profiles no identifier linked (same name at the same account), and queued doubtful pairs:"
echo
echo "== Merges for review: hubctl merges list"
"$bin/hubctl" merges list

# One person known to the CRM, the support desk and the email list.
email=$(/usr/bin/python3 - "$work/world" <<'PY'
import csv, glob, json, sys
world = sys.argv[1]
zendesk = set()
for page in glob.glob(world + "/zendesk/users-*.json"):
    for u in json.load(open(page))["users"]:
        if u.get("email"): zendesk.add(u["email"].strip().lower())
members = set(m["email_address"].strip().lower()
              for m in json.load(open(world + "/mailchimp/members.json"))["members"])
for row in csv.DictReader(open(world + "/salesforce/Contact.csv", newline="")):
    e = row["Email"].strip().lower()
    if e in zendesk and e in members:
        print(e); break
PY
)
echo
echo "== One unified profile: hubctl profiles lookup email $email"
"$bin/hubctl" profiles lookup email "$email"

name=$("$bin/hubctl" profiles lookup email "$email" --output json |
       /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')
echo
echo "== Its lifecycle, from source event times: hubctl stages $name"
"$bin/hubctl" stages "$name"

echo
echo "== The person funnel of 2025: hubctl metrics funnel --from 2025-01-01 --to 2026-01-01"
"$bin/hubctl" metrics funnel --from 2025-01-01 --to 2026-01-01 --svg "$work/funnel-2025.svg"
echo
echo "== Accounts in Q2 2025, software only: hubctl metrics funnel --accounts --segment industry=Software ..."
"$bin/hubctl" metrics funnel --accounts --from 2025-04-01 --to 2025-07-01 --segment industry=Software
echo
echo "== Every stage's metrics in 2025: hubctl metrics stage --from 2025-01-01 --to 2026-01-01"
"$bin/hubctl" metrics stage --from 2025-01-01 --to 2026-01-01
echo
echo "== Customer value by industry in 2025: hubctl metrics value --dimension industry ..."
"$bin/hubctl" metrics value --from 2025-01-01 --to 2026-01-01 --dimension industry
echo
echo "== Governance: the first quarantined records, with the reason: hubctl quarantine list --page-size 3"
"$bin/hubctl" quarantine list --page-size 3 2>/dev/null
echo
echo "== What erasing $name would remove (a preview; nothing changes): hubctl erase --type email --value $email"
"$bin/hubctl" erase --type email --value "$email"
echo
echo "== The audit log's hash chain: hubctl audit verify"
"$bin/hubctl" audit verify
echo
echo "Open $work/funnel-2025.svg in a browser for the funnel chart."

echo
echo "== Stopping hubd" >&2
kill -TERM $hubd_pid
wait $hubd_pid
trap - EXIT
echo "Done. The database stays in $work/hub.db." >&2
