package platform.ownership_test

import data.platform.fixtures_test as fx
import data.platform.main

pr(author, files) := fx.pr_input(fx.prod, [fx.checkout, fx.worker], author, "2026-06-01", files, [])

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

test_own001_outside_a_pull_request if {
	fx.quiet(main.warn, "OWN001") with input as fx.prod_input([fx.checkout])
}

# OWN002: platform folders need the platform team

test_own002_platform_folders if {
	every file in ["policies/platform/security.rego", "schemas/service.schema.json", "environments/prod.yaml", "teams/payments.yaml", "scripts/cli.ts", ".github/workflows/ci.yml"] {
		fx.fired(main.deny, "OWN002", []) with input as pr("alice", [file])
	}
}

test_own002_platform_member_or_other_folders if {
	fx.quiet(main.deny, "OWN002") with input as pr("carol", ["policies/platform/security.rego", "teams/payments.yaml"])
	fx.quiet(main.deny, "OWN002") with input as pr("alice", ["services/checkout/service.yaml", "README.md"])
}

test_own002_unknown_platform_team_fails_closed if {
	input_ := object.union(pr("carol", ["teams/payments.yaml"]), {"teams": {"platform": {"members": []}}})
	fx.fired(main.deny, "OWN002", []) with input as input_
}
