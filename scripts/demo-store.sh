#!/usr/bin/env bash
# Rebuilds the demo store in tickets/ with baton itself: a small support desk
# (front line, specialists, the top) over the first three weeks of November
# 2026: two quiet weeks of settled work, then a busy week still in progress.
# Usage: scripts/demo-store.sh   (from the repository root; replaces tickets/)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin="$PWD/target/debug/baton"
rm -rf tickets
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 BATON_CONFIG=/dev/null TZ=UTC
# baton init would register this debug build as the merge driver in the
# developer's .git/config; the repository's .gitattributes is already committed.
export GIT_DIR=/nonexistent

b() { # b TIME ACTOR ARGS... : one baton command at a fixed time as a person
  local at=$1 who=$2; shift 2
  BATON_NOW="2026-11-$at:00Z" "$bin" --as "$who" "$@"
}
new() { # new TIME ACTOR ARGS... : prints the new ticket's id
  local at=$1 who=$2; shift 2
  BATON_NOW="2026-11-$at:00Z" "$bin" --as "$who" new "$@" 2>/dev/null
}

BATON_NOW=2026-11-02T08:00:00Z "$bin" init --name ana --email ana@example.com >/dev/null
b 02T08:01 ana people add eli --level 1 --email eli@example.com >/dev/null
b 02T08:02 ana people add ben --level 2 --email ben@example.com >/dev/null
b 02T08:03 ana people add dana --level 2 --email dana@example.com >/dev/null
b 02T08:04 ana people add cora --level 3 --email cora@example.com >/dev/null

plus() { # plus DDTHH:MM MINUTES: the moment MINUTES later, as DDTHH:MM
  date -u -d "2026-11-${1/T/ } UTC + $2 minutes" +%dT%H:%M
}
rate() { # rate TIME TICKET SCORE: the customer's score, entered by the front line
  [ "$3" = - ] || b "$1" ana rate "$2" "$3" >/dev/null
}

# Weeks 1 and 2, settled. Each line is one ticket's whole life:
#   solve START WHO REPLY_AFTER LOG_MINUTES SOLVED_AFTER SCORE CUSTOMER TAG TITLE
#   pass  START WHO TO REPLY_AFTER LOG_MINUTES SOLVED_AFTER SCORE CUSTOMER TAG TITLE
# (times in minutes after START; SCORE - when the customer never rated)
solve() {
  local at=$1 who=$2 reply=$3 log=$4 done=$5 score=$6 customer=$7 tag=$8 title=$9 t
  t=$(new "$at" "$who" "$title" --customer "$customer" --tag "$tag")
  b "$(plus "$at" "$reply")" "$who" reply "$t" "Thanks for writing in - looking at it now." >/dev/null
  b "$(plus "$at" $((done - 1)))" "$who" log "$t" "${log}m" >/dev/null
  b "$(plus "$at" "$done")" "$who" resolve "$t" >/dev/null
  rate "$(plus "$at" $((done + 600)))" "$t" "$score"
}
pass() {
  local at=$1 who=$2 to=$3 reply=$4 log=$5 done=$6 score=$7 customer=$8 tag=$9 title=${10} t
  t=$(new "$at" "$who" "$title" --customer "$customer" --tag "$tag")
  b "$(plus "$at" "$reply")" "$who" reply "$t" "Thanks - a specialist is taking a look." >/dev/null
  b "$(plus "$at" $((reply + 2)))" "$who" pass "$t" "$to" --note "needs $tag expertise" >/dev/null
  b "$(plus "$at" $((done - 2)))" "$to" log "$t" "${log}m" >/dev/null
  b "$(plus "$at" $((done - 1)))" "$to" reply "$t" "This is fixed on our side; please try again." >/dev/null
  b "$(plus "$at" "$done")" "$to" resolve "$t" >/dev/null
  rate "$(plus "$at" $((done + 900)))" "$t" "$score"
}

solve 02T09:10 ana 12 15 40 5 jan.kowalski@example.com billing "Invoice PDF is blank"
solve 02T10:25 eli 35 20 90 4 ops@harbour-freight.example auth "2FA codes rejected after phone change"
pass  02T11:40 ana ben 20 75 260 4 finance@alpenblick.example billing "Credit note for cancelled order"
solve 02T14:05 eli 8 10 25 - lena@studio-nord.example accounts "How do I rename my workspace?"
pass  03T08:50 eli dana 15 120 380 5 dev@quickcart.example api "Rate limit hit at 50 requests per minute"
solve 03T09:30 ana 95 30 150 3 m.rossi@example.it auth "Locked out after too many attempts"
solve 03T13:15 ana 10 15 45 5 office@lindqvist.example billing "VAT number missing on invoices"
pass  04T09:05 ana cora 25 180 420 5 data@kleinmann.example export "Export job stuck at 99%"
solve 04T10:40 eli 5 10 20 4 support@cafe-noir.example accounts "Add a colleague to our account"
pass  04T15:30 eli ben 40 60 1020 2 jan.kowalski@example.com billing "Charged after cancelling the trial"
solve 05T08:15 ana 18 25 70 - it@bergmann-bau.example accounts "Single sign-on button missing"
solve 05T11:00 eli 70 15 110 4 anna.berg@example.se mobile "Push notifications stopped"
pass  06T09:20 ana dana 10 90 300 4 status@shopline.example api "Webhook retries flood our endpoint"
solve 06T14:45 ana 12 10 30 5 lena@studio-nord.example feature "Can we export to Excel directly?"
solve 09T08:30 eli 20 35 95 3 ops@harbour-freight.example auth "Session expires every 10 minutes"
pass  09T10:10 ana ben 15 150 520 4 finance@alpenblick.example billing "Annual plan billed monthly"
solve 10T09:45 ana 7 10 22 5 office@lindqvist.example accounts "Update the contact person"
pass  10T13:20 eli cora 30 240 610 5 data@kleinmann.example export "Scheduled export emails are empty"
solve 11T10:05 eli 140 20 200 2 dev@quickcart.example api "API docs link is broken"
solve 12T09:00 ana 15 25 60 4 support@cafe-noir.example search "Search results in the wrong order"
pass  12T15:10 ana dana 12 80 240 - m.rossi@example.it auth "Password rules reject a valid password"

# A ticket nobody moved: passed on Friday evening, escalated overnight by the
# sweep, solved at the top; the customer was not pleased.
t=$(new 13T16:40 eli "Refund stuck in 'pending' for a week" --customer anna.berg@example.se --tag billing \
  --body "The refund for order 20931 still shows as pending.")
b 13T16:45 eli pass "$t" ben --note "refund tooling is billing's" >/dev/null
BATON_NOW=2026-11-14T12:50:00Z "$bin" escalate >/dev/null
b 14T13:30 cora reply "$t" "Sorry for the wait: the refund was released today." >/dev/null
b 14T13:32 cora log "$t" 30m >/dev/null
b 14T13:33 cora resolve "$t" --note "released from the provider's review queue" >/dev/null
rate 15T09:00 "$t" 2

# A fix that did not hold: resolved, reopened by the customer, solved again.
t=$(new 11T14:00 ana "Images missing from order confirmation mails" --customer status@shopline.example \
  --tag mail --body "Product images show as broken links.")
b 11T14:10 ana reply "$t" "Thanks - we re-published the image CDN settings." >/dev/null
b 11T14:40 ana resolve "$t" >/dev/null
b 12T09:00 ana reopen "$t" --note "customer: still broken in Outlook" >/dev/null
b 12T09:05 ana pass "$t" dana --note "Outlook blocks our image host" >/dev/null
b 12T11:30 dana log "$t" 1h30m --note "moved images to the main domain" >/dev/null
b 12T11:35 dana reply "$t" "Images now load from our main domain, which Outlook allows." >/dev/null
b 12T11:36 dana resolve "$t" >/dev/null
rate 13T10:00 "$t" 3

# Week 3, in progress.
# 1. Double charge: passed to billing, refunded, resolved, rated later.
t=$(new 16T09:14 ana "Refund for double charge not received" --customer jan.kowalski@example.com \
  --tag billing --body "Charged twice for the November invoice. Order 18823, card ending 4421.")
b 16T09:20 ana reply "$t" "Sorry about that - we are checking the payment now." >/dev/null
b 16T10:02 ana pass "$t" ben --note "needs a refund approval" >/dev/null
b 16T11:30 ben note "$t" "Payment provider confirms two captures; refund issued." >/dev/null
b 16T11:35 ben reply "$t" "The second charge is refunded; it shows within 3 working days." >/dev/null
b 16T11:36 ben resolve "$t" --note "refund issued" >/dev/null

# 2. Login loop: waiting for the customer, then solved by the front line.
t=$(new 16T10:40 eli "Login page loops back to sign-in" --customer ops@harbour-freight.example \
  --tag auth --priority high --body "After the password reset, signing in returns to the sign-in page.")
b 16T10:55 eli reply "$t" "Could you tell us which browser you use and whether cookies are allowed?" >/dev/null
b 16T10:56 eli wait "$t" --note "asked for browser and cookie settings" >/dev/null
b 16T15:10 eli reopen "$t" --note "customer answered: Safari, cookies blocked" >/dev/null
b 16T15:20 eli reply "$t" "Safari blocks our session cookie in that mode; allowing cookies for our domain fixes it." >/dev/null
b 16T15:21 eli resolve "$t" >/dev/null
b 16T15:40 eli close "$t" --note "confirmed by the customer" >/dev/null

# 3. Data export: passed up twice, solved at the top.
t=$(new 17T08:30 ana "CSV export cuts off after 10,000 rows" --customer data@kleinmann.example \
  --tag export --body "The monthly export stops at row 10000; we have 14,212 orders.")
b 17T08:45 ana reply "$t" "Thanks - we can reproduce it and have passed it to a specialist." >/dev/null
b 17T08:46 ana pass "$t" dana --note "export limit? reproducible with the Kleinmann account" >/dev/null
b 17T13:00 dana pass "$t" cora --note "limit is hard-coded in the exporter; needs a release" >/dev/null
b 17T16:45 cora reply "$t" "A fix is deployed; the export now streams every row." >/dev/null
b 17T16:46 cora resolve "$t" --note "streaming export deployed" >/dev/null

# 4. Nobody took it in time: escalated by the sweep, then taken at the top.
t4=$(new 17T11:00 eli "Invoices show the wrong VAT rate for Austria" --customer finance@alpenblick.example \
  --tag billing --tag vat --priority high --body "Invoices since 1 November show 19% instead of 20%.")
b 17T11:05 eli pass "$t4" ben --note "tax settings are billing's" >/dev/null
BATON_NOW=2026-11-18T07:10:00Z "$bin" escalate >/dev/null
b 18T08:00 cora reply "$t4" "We corrected the rate and will reissue the affected invoices today." >/dev/null
b 18T09:30 cora note "$t4" "12 invoices reissued" >/dev/null
b 18T09:31 cora resolve "$t4" --note "rate fixed, invoices reissued" >/dev/null

# 5. Feature request: closed without work.
t=$(new 17T14:00 ana "Dark mode for the customer portal?" --customer lena@studio-nord.example \
  --tag feature --priority low --body "Would love a dark theme.")
b 17T14:10 ana reply "$t" "Thanks for the idea! We have added it to our roadmap list." >/dev/null
b 17T14:11 ana close "$t" --note "feature request, logged on the roadmap" >/dev/null

# 6. Taken by a specialist who saw it first.
t=$(new 18T09:00 eli "Webhook deliveries fail with 401" --customer dev@quickcart.example \
  --tag api --body "Since this morning every webhook to our endpoint gets 401.")
b 18T09:05 ben take "$t" --note "I rotated the signing keys yesterday" >/dev/null
b 18T09:20 ben reply "$t" "We rotated our signing keys; please update the secret from your dashboard." >/dev/null
b 18T09:21 ben wait "$t" --note "waiting for the customer to update the secret" >/dev/null

# 7. Reopened after resolve: the clock starts afresh.
t=$(new 18T10:00 ana "Password reset mail never arrives" --customer m.rossi@example.it --tag auth \
  --body "Tried three times, nothing in inbox or spam.")
b 18T10:20 ana reply "$t" "We re-sent it from a different server; please check again." >/dev/null
b 18T10:21 ana resolve "$t" >/dev/null
b 19T08:10 ana reopen "$t" --note "customer: still nothing" >/dev/null
b 19T08:15 ana pass "$t" dana --note "mail logs show a bounce from their provider" >/dev/null

# 8. Urgent outage, straight to the top.
t=$(new 19T07:30 eli "Checkout down for all EU customers" --customer status@shopline.example \
  --tag outage --priority urgent --owner cora --body "HTTP 502 on /checkout since 07:20 UTC.")
b 19T07:35 cora reply "$t" "We are aware and working on it; next update within 30 minutes." >/dev/null
b 19T08:05 cora reply "$t" "Fixed: a bad load-balancer rule was rolled back." >/dev/null
b 19T08:06 cora resolve "$t" --note "LB rule rolled back" >/dev/null
b 19T09:00 cora edit "$t" --title "Checkout down for EU customers (07:20-08:05 UTC)" >/dev/null

# 9-12. Still open at the end of the week, with clocks at different points.
t=$(new 19T15:00 ana "Cannot add a second admin user" --customer it@bergmann-bau.example --tag accounts \
  --body "The invite button is greyed out.")
b 19T15:10 ana reply "$t" "Your plan allows one admin; we are checking whether we can lift that." >/dev/null
b 19T15:12 ana pass "$t" dana --note "plan limits; can we grant an exception?" >/dev/null

t=$(new 20T08:20 eli "Mobile app crashes when opening an order" --customer anna.berg@example.se --tag mobile \
  --priority high --body "iOS 19, app version 4.2.1. Crash on every order detail view.")
b 20T08:40 eli note "$t" "Reproduced on iOS 19.1 simulator" >/dev/null
b 20T08:41 eli pass "$t" ben --note "crash log attached in the shared drive" >/dev/null

t=$(new 20T09:05 ana "Change the billing address on our account" --customer office@lindqvist.example \
  --tag billing --priority low --body "We moved to Storgatan 12, Uppsala.")
b 20T09:15 ana reply "$t" "Could you confirm the change from the account owner's address?" >/dev/null
b 20T09:16 ana wait "$t" --note "waiting for confirmation from the account owner" >/dev/null

t=$(new 20T10:30 eli "Search ignores accented characters" --customer support@cafe-noir.example \
  --tag search --body "Searching for 'creme' does not find 'crème brûlée'.")
b 20T10:31 eli edit "$t" --priority high --tag i18n >/dev/null
echo "demo store rebuilt: $(ls tickets/*.toml | wc -l) files in tickets/"
