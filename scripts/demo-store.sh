#!/usr/bin/env bash
# Rebuilds the demo store in tickets/ with baton itself: a small support desk
# (front line, specialists, the top) over one week of November 2026.
# Usage: scripts/demo-store.sh   (from the repository root; replaces tickets/)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin="$PWD/target/debug/baton"
rm -rf tickets
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 BATON_CONFIG=/dev/null TZ=UTC

b() { # b TIME ACTOR ARGS... : one baton command at a fixed time as a person
  local at=$1 who=$2; shift 2
  BATON_NOW="2026-11-$at:00Z" "$bin" --as "$who" "$@"
}
new() { # new TIME ACTOR ARGS... : prints the new ticket's id
  local at=$1 who=$2; shift 2
  BATON_NOW="2026-11-$at:00Z" "$bin" --as "$who" new "$@" 2>/dev/null
}

BATON_NOW=2026-11-16T08:00:00Z "$bin" init --name ana --email ana@example.com >/dev/null
b 16T08:01 ana people add eli --level 1 --email eli@example.com >/dev/null
b 16T08:02 ana people add ben --level 2 --email ben@example.com >/dev/null
b 16T08:03 ana people add dana --level 2 --email dana@example.com >/dev/null
b 16T08:04 ana people add cora --level 3 --email cora@example.com >/dev/null
{
  b 16T08:05 ana people
} >/dev/null

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
