#!/bin/sh
# The Ansible hand-off end to end, over an estate of two sites: a session
# whose front ends are reached through two jump hosts is exported; the
# playbook, run by ansible-playbook over real SSH to the jump hosts (sshds
# on 127.0.0.1), has each jump host's fedwiz check its site's hosts (real
# sshds with the fx-linux fixture shell; the runbook is
# tests/ansible/data/handoff-estate.yaml: per node two passes and a
# failure, so failed evidence travels too) and fetches the signed results;
# fedwiz import records them; status and the report (md, html, json) show
# the evidence per site. Then what import must refuse, each with its
# reason and nothing recorded: a results file edited after it was written,
# a run imported twice, results from another runbook version, from another
# session's export, from answers the session no longer has; and a batch
# with one bad file imports none of it.
#
# Why real SSH to the jump hosts rather than ansible_connection: local:
# the exported inventory's connection (ansible_host, ansible_port,
# ansible_user) and the copy and fetch of the files over SSH are what an
# estate runs; the jump hosts cost a second each.
. "$FEDWIZ_SRCDIR/tests/cli/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ssh/lib.sh"
. "$FEDWIZ_SRCDIR/tests/ansible/lib.sh"

ansible_keys
ssh_start dev auto fx-linux
DEV=$SSH_PORT
ansible_jump emea
JE=$SSH_PORT
ansible_jump apac
JA=$SSH_PORT
ssh_known_hosts "$T/kh" "$DEV"
ansible_known_hosts "$JE" "$JA"

export FEDWIZ_STATE="$T/db"
ansible_answers "$T/a.yaml" "emea:$JE:2:$DEV" "apac:$JA:1:$DEV"
expect_exit 0 "$FEDWIZ" start handoff-estate --answers "$T/a.yaml"
sid=$(cat "$T/out")

expect_exit 0 "$FEDWIZ" export ansible handoff-estate --session "$sid" -o "$T/proj"
grep -q 'emea .*jump host .*127.0.0.1:'"$JE"', 2 hosts' "$T/out" || fail "export: $(cat "$T/out")"
grep -q 'apac .*, 1 host ' "$T/out" || fail "export: $(cat "$T/out")"

# Directly from here, a host reached through a site is not checked: its
# jump host's fedwiz does that.
expect_exit 0 "$FEDWIZ" check handoff-estate --session "$sid" --host emea-n1 --json
[ "$(jq '[.checks[] | select(.verdict == "pass" or .verdict == "fail")] | length' "$T/out")" -eq 0 ] ||
    fail "the console checked hosts of a site itself"
jq -e '[.checks[] | select(.on == "emea-n1")][0].message | test("reached through site emea")' \
    "$T/out" >/dev/null || fail "check does not say why: $(jq -c '.checks[0]' "$T/out")"

ansible_run "$T/proj" || { cat "$T/play.out"; fail "ansible-playbook failed"; }
grep -q 'emea: 4 pass, 2 fail, 0 could not run' "$T/play.out" ||
    { cat "$T/play.out"; fail "the play does not say what emea's checks found"; }
for s in emea apac; do
	[ -s "$T/proj/results/$s.json" ] || fail "no results/$s.json"
	jq -e --arg s "$s" '.export.site == $s and (.signature | length) == 128 and
	    .summary.fail > 0 and .summary.error == 0 and .summary.pass > 0' \
	    "$T/proj/results/$s.json" >/dev/null || fail "results/$s.json: $(jq -c '{export, summary}' "$T/proj/results/$s.json")"
	# The jump host keeps nothing: the manifest held a key.
	[ -z "$(ls -A "$T/jump-$s")" ] ||
	    fail "the hand-off folder on $s's jump host is still there: $(ls -A "$T/jump-$s")"
done
# Every check of a site ran on that site's hosts.
[ "$(jq '[.checks[] | select(.verdict == "pass") | .on | startswith("apac-")] | all' \
    "$T/proj/results/apac.json")" = true ] || fail "apac's results name other hosts"
[ "$(jq -c .summary "$T/proj/results/apac.json")" = '{"pass":2,"fail":1,"error":0,"not_run":0}' ] ||
    fail "apac: $(jq -c .summary "$T/proj/results/apac.json")"
npass=4 apass=2

cp "$T/proj/results/emea.json" "$T/emea-orig.json"
expect_exit 0 "$FEDWIZ" import "$T/proj/results/emea.json" "$T/proj/results/apac.json" --session "$sid"
grep -q "site emea via $(id -un)@127.0.0.1:$JE: 4 pass, 2 fail, 0 could not run" "$T/out" ||
    fail "import: $(cat "$T/out")"
grep -q "imported into session $sid" "$T/out" || fail "import: $(cat "$T/out")"

# status: per site, what came back.
expect_exit 0 "$FEDWIZ" status --session "$sid"
grep -q "emea .*2 hosts via $(id -un)@127.0.0.1: 4 pass, 2 fail, 0 could not run (run " "$T/out" ||
    fail "status: $(cat "$T/out")"
grep -q "apac .*1 host via .*: 2 pass, 1 fail" "$T/out" || fail "status: $(cat "$T/out")"
expect_exit 0 "$FEDWIZ" status --session "$sid" --json
jq -e --argjson n "$npass" '[.sites[] | select(.name == "emea")][0] |
    .hosts == 2 and (.imports | length) == 1 and .imports[0].pass == $n' "$T/out" >/dev/null ||
    fail "status --json: $(jq -c .sites "$T/out")"

# The report: every format says which evidence came through Ansible.
expect_exit 0 "$FEDWIZ" report --session "$sid" --format json
cp "$T/out" "$T/report.json"
jq -e '(.imports | length) == 2 and ([.imports[].site] | sort) == ["apac", "emea"]' \
    "$T/report.json" >/dev/null || fail "report json imports: $(jq -c .imports "$T/report.json")"
imported=$(jq '[.procedures[].steps[].checks[] | select(.origin == "imported")] | length' "$T/report.json")
[ "$imported" -eq 9 ] || fail "report: $imported imported rows, not 9 (6 from emea, 3 from apac)"
# Each row names the site of the host it ran for.
jq -e '[.procedures[] | select(.host != null) | . as $p | .steps[].checks[] |
    select(.origin == "imported") | .origin_detail | startswith("site " +
    ($p.host | split("-")[0]) + " via jump host ")] | all' "$T/report.json" >/dev/null ||
    fail "report: an imported row names the wrong site"
jq -e '[.inventory[] | select(.host == "apac-n1")][0].site == "apac"' "$T/report.json" >/dev/null ||
    fail "report inventory lacks the site"
for f in md html; do
	expect_exit 0 "$FEDWIZ" report --session "$sid" --format $f
	grep -q "Evidence through Ansible" "$T/out" || fail "report $f: no Ansible section"
	grep -q "site emea via jump host" "$T/out" || fail "report $f: rows do not say they were imported"
done

nimports() { "$FEDWIZ" status --session "$sid" --json | jq '[.sites[].imports[]] | length'; }
nrows() { "$FEDWIZ" report --session "$sid" --format json | jq '[.procedures[].steps[].checks[]] | length'; }
rows=$(nrows)

# A second run of emea's share, as the playbook runs it on the jump host.
emea_run() {
	set +e
	(cd "$T/proj/sites/emea" && "$FEDWIZ" check handoff-estate \
	    --manifest manifest.yaml --json -o "$1" --known-hosts "$T/kh" \
	    --identity "$T/id_ed25519" </dev/null) >/dev/null 2>"$T/run.err"
	[ $? -eq 1 ] || fail "a second run of emea's checks: $(cat "$T/run.err")"
	set -e
}
emea_run "$T/emea2.json"

# One byte changed after the jump host wrote it: refused, and nothing of
# the batch is recorded (emea2.json is good).
sed '0,/"verdict": "pass"/s//"verdict": "fail"/' "$T/emea2.json" >"$T/tampered.json"
cmp -s "$T/emea2.json" "$T/tampered.json" && fail "the test did not change the file"
expect_exit 2 "$FEDWIZ" import "$T/emea2.json" "$T/tampered.json" --session "$sid"
grep -q "tampered.json:.*refused: its signature does not verify: the file was changed after fedwiz on the jump host wrote it" \
    "$T/err" || fail "tampered: $(cat "$T/err")"
grep -q "nothing imported: 1 of 2 files refused" "$T/err" || fail "tampered: $(cat "$T/err")"
[ "$(nimports)" -eq 2 ] && [ "$(nrows)" -eq "$rows" ] || fail "a refused batch recorded something"
# The signature's own bytes, too.
sed 's/\("signature": "\)\(.\)/\1f/' "$T/emea2.json" >"$T/tampered2.json"
cmp -s "$T/emea2.json" "$T/tampered2.json" && sed 's/\("signature": "\)\(.\)/\1e/' "$T/emea2.json" >"$T/tampered2.json"
expect_exit 2 "$FEDWIZ" import "$T/tampered2.json" --session "$sid"
grep -q "signature does not verify" "$T/err" || fail "signature edited: $(cat "$T/err")"

# The same run twice: the second is refused.
expect_exit 2 "$FEDWIZ" import "$T/emea-orig.json" --session "$sid"
grep -q "was imported already, into session $sid by" "$T/err" || fail "replay: $(cat "$T/err")"
# A new run of the same export is new evidence.
expect_exit 0 "$FEDWIZ" import "$T/emea2.json" --session "$sid"
[ "$(nimports)" -eq 3 ] || fail "the second run of emea was not imported"

# Another version of the runbook: exported from an answers file with a
# runbook folder where the runbook was edited.
mkdir "$T/rb2"
cp "$FEDWIZ_RUNBOOKS/handoff-estate.yaml" "$T/rb2/"
echo "# edited after the session began" >>"$T/rb2/handoff-estate.yaml"
expect_exit 0 "$FEDWIZ" export ansible handoff-estate --answers "$T/a.yaml" --runbooks "$T/rb2" \
    -o "$T/proj2"
(cd "$T/proj2/sites/emea" && "$FEDWIZ" check handoff-estate --manifest manifest.yaml --json \
    -o "$T/v2.json" --known-hosts "$T/kh" --identity "$T/id_ed25519" </dev/null >/dev/null 2>&1) || true
[ -s "$T/v2.json" ] || fail "no results from the edited runbook's export"
expect_exit 2 "$FEDWIZ" import "$T/v2.json" --session "$sid"
grep -q "refused: these results are from another version of runbook handoff-estate" "$T/err" ||
    fail "another runbook version: $(cat "$T/err")"
# On the jump host, a manifest whose runbook or answers were edited is
# refused before anything is sent: the results could not be imported.
cp "$T/proj2/sites/emea/manifest.yaml" "$T/m-rb.yaml"
sed -i '/^runbook_text: |$/,$d' "$T/m-rb.yaml"
{ echo "runbook_text: |"; base64 -w 76 "$FEDWIZ_RUNBOOKS/handoff-estate.yaml" | sed 's/^/  /'; } >>"$T/m-rb.yaml"
expect_exit 2 "$FEDWIZ" check handoff-estate --manifest "$T/m-rb.yaml" --json -o "$T/never.json"
grep -q "the export was of runbook handoff-estate (sha256 .*), and the manifest holds handoff-estate (sha256 .*): it was edited" \
    "$T/err" || fail "a manifest with another runbook: $(cat "$T/err")"
sed 's/sip_domain": "example.com"/sip_domain": "example.net"/' "$T/proj2/sites/emea/manifest.yaml" >"$T/m-ans.yaml"
chmod 600 "$T/m-ans.yaml"
cmp -s "$T/m-ans.yaml" "$T/proj2/sites/emea/manifest.yaml" && fail "the test did not change the answers"
expect_exit 2 "$FEDWIZ" check handoff-estate --manifest "$T/m-ans.yaml" --json -o "$T/never.json"
grep -q "its answers are not the ones exported for site emea" "$T/err" ||
    fail "a manifest with other answers: $(cat "$T/err")"
[ ! -e "$T/never.json" ] || fail "results were written for an edited manifest"

# Another session's export.
expect_exit 0 "$FEDWIZ" start handoff-estate --answers "$T/a.yaml"
sid2=$(cat "$T/out")
expect_exit 0 "$FEDWIZ" export ansible handoff-estate --session "$sid2" -o "$T/proj3"
(cd "$T/proj3/sites/apac" && "$FEDWIZ" check handoff-estate \
    --manifest manifest.yaml --json -o "$T/s2.json" --known-hosts "$T/kh" \
    --identity "$T/id_ed25519" </dev/null >/dev/null 2>&1) || true
expect_exit 2 "$FEDWIZ" import "$T/s2.json" --session "$sid"
grep -q "refused: these are the results of session $sid2's export (site apac), not session $sid's" \
    "$T/err" || fail "another session: $(cat "$T/err")"

# Answers edited since the export: emea's results used the old ones.
emea_run "$T/emea3.json"
expect_exit 0 "$FEDWIZ" set sip_domain=example.org --session "$sid"
expect_exit 2 "$FEDWIZ" import "$T/emea3.json" --session "$sid"
grep -q "refused: these results were checked on other answers for site emea" "$T/err" ||
    fail "other answers: $(cat "$T/err")"
[ "$(nimports)" -eq 3 ] || fail "a refused import recorded something"

expect_exit 0 "$FEDWIZ" audit verify
