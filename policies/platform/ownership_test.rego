package platform.ownership_test

import data.platform.fixtures_test as fx
import data.platform.main

pr(author, files) := fx.pr_input(fx.prod, [fx.checkout, fx.worker], author, "2026-06-01", files, [])

pr_with(author, files, extra) := fx.pr_with(fx.prod, [fx.checkout, fx.worker], author, files, extra)

# OWN001: service folders are changed by the owning team (or platform)

test_own001_outsider_changes_a_service if {
	fx.fired(main.warn, "OWN001", []) with input as pr("gina", ["services/checkout/service.yaml"])
	some f in main.warn with input as pr("gina", ["services/checkout/service.yaml"])
	f.file == "services/checkout/service.yaml"
}

test_own001_team_member_or_platform if {
	fx.quiet(main.warn, "OWN001") with input as pr("alice", ["services/checkout/service.yaml"])
	fx.quiet(main.warn, "OWN001") with input as pr("carol", ["services/checkout/service.yaml"])
	fx.quiet(main.warn, "OWN001") with input as pr("gina", ["services/email-worker/service.yaml"])
}

test_own001_rendered_manifests_belong_to_the_service if {
	fx.fired(main.warn, "OWN001", []) with input as pr("gina", ["manifests/prod/checkout/manifest.yaml"])
	fx.quiet(main.deny, "OWN002") with input as pr("gina", ["manifests/prod/checkout/manifest.yaml"])
}

test_own001_outside_a_pull_request if {
	fx.quiet(main.warn, "OWN001") with input as fx.prod_input([fx.checkout])
}

test_own001_membership_from_the_base_not_the_head if {
	# gina is in payments only in the pull request's own input.teams: the base's members decide.
	teams := object.union(fx.teams, {"payments": {"members": ["alice", "bob", "gina"]}})
	input_ := object.union(pr("gina", ["services/checkout/service.yaml"]), {"teams": teams})
	fx.fired(main.warn, "OWN001", []) with input as input_
}

test_own001_moving_a_service_needs_its_base_owner if {
	# checkout belongs to payments on the base; the head names storefront, gina's team.
	moved := pr_with("gina", ["services/checkout/service.yaml"], {"teams": {"checkout": "storefront", "email-worker": "storefront"}})
	fx.fired(main.deny, "OWN001", ["metadata", "team"]) with input as moved
	some f in main.deny with input as moved
	f.file == "services/checkout/service.yaml"
}

test_own001_moving_a_service_by_its_base_owner_or_platform if {
	extra := {"teams": {"checkout": "storefront", "email-worker": "storefront"}}
	fx.quiet(main.deny, "OWN001") with input as pr_with("alice", ["services/checkout/service.yaml"], extra)
	fx.quiet(main.deny, "OWN001") with input as pr_with("carol", ["services/checkout/service.yaml"], extra)
}

test_own001_new_service_needs_its_team_as_on_the_base if {
	extra := {"owners": {"checkout": "payments", "email-worker": "storefront"}, "teams": {"checkout": "payments", "email-worker": "storefront", "ledger": "payments"}}
	fx.fired(main.warn, "OWN001", []) with input as pr_with("gina", ["services/ledger/service.yaml"], extra)
	fx.quiet(main.warn, "OWN001") with input as pr_with("bob", ["services/ledger/service.yaml"], extra)
}

# OWN002: every path outside a service needs the platform team

test_own002_platform_paths if {
	every file in ["policies/platform/security.rego", "policies/exceptions.yaml", "schemas/service.schema.json", "environments/prod.yaml", "teams/payments.yaml", "scripts/cli.ts", ".github/workflows/ci.yml", "package.json", "package-lock.json", "tools/opa.sh", "bin/idp.js", ".ci/run", "README.md", "manifests/prod/_platform/manifest.yaml", "services/README.md", "services/unknown/notes.md", "manifests/prod/unknown/manifest.yaml"] {
		fx.fired(main.deny, "OWN002", []) with input as pr("alice", [file])
	}
}

test_own002_platform_member_or_service_files if {
	fx.quiet(main.deny, "OWN002") with input as pr("carol", ["policies/platform/security.rego", "teams/payments.yaml", "README.md"])
	fx.quiet(main.deny, "OWN002") with input as pr("alice", ["services/checkout/service.yaml", "manifests/dev/checkout/manifest.yaml"])
}

test_own002_unknown_platform_team_fails_closed if {
	input_ := pr_with("carol", ["teams/payments.yaml"], {"members": {"platform": []}})
	fx.fired(main.deny, "OWN002", []) with input as input_
}

test_own002_membership_from_the_base_not_the_head if {
	# The head's teams say alice is in platform; the base's members decide.
	teams := object.union(fx.teams, {"platform": {"members": ["carol", "dmitri", "alice"]}})
	input_ := object.union(pr("alice", ["teams/platform.yaml"]), {"teams": teams})
	fx.fired(main.deny, "OWN002", []) with input as input_
}

test_own002_no_members_without_a_base if {
	# A pull request input without the base's members fails closed.
	input_ := json.patch(pr("carol", ["teams/payments.yaml"]), [{"op": "remove", "path": "/change/members"}])
	fx.fired(main.deny, "OWN002", []) with input as input_
}

# OWN003: a new call into another team's service needs that team's review

test_own003_new_call_into_another_team if {
	# checkout (payments) calls cart; email-worker (storefront) now calls checkout.
	worker := object.union(fx.worker, {"calls": ["checkout"]})
	input_ := fx.pr_with(fx.prod, [fx.checkout, worker], "gina", ["services/email-worker/service.yaml"], {"newCalls": {"email-worker": ["checkout"]}})
	fx.fired(main.warn, "OWN003", ["calls", 0]) with input as input_
}

test_own003_quiet_for_old_calls_callee_team_and_platform if {
	worker := object.union(fx.worker, {"calls": ["checkout"]})
	services := [fx.checkout, worker]
	files := ["services/email-worker/service.yaml"]
	fx.quiet(main.warn, "OWN003") with input as fx.pr_with(fx.prod, services, "gina", files, {"newCalls": {}})
	fx.quiet(main.warn, "OWN003") with input as fx.pr_with(fx.prod, services, "carol", files, {"newCalls": {"email-worker": ["checkout"]}})
	fx.quiet(main.warn, "OWN003") with input as fx.pr_with(fx.prod, services, "alice", files, {"newCalls": {"email-worker": ["checkout"]}})
}
