package platform.main_test

import data.platform.fixtures_test as fx
import data.platform.main

test_clean_input_has_no_findings if {
	services := [fx.checkout, fx.worker]
	count(main.deny) == 0 with input as fx.prod_input(services)
	count(main.warn) == 0 with input as fx.prod_input(services)
	count(main.deny) == 0 with input as fx.dev_input([fx.checkout_dev, fx.worker])
	count(main.warn) == 0 with input as fx.dev_input([fx.checkout_dev, fx.worker])
}

test_empty_input_is_defined_and_empty if {
	main.deny == set() with input as {}
	main.warn == set() with input as {}
}

test_service_finding_shape if {
	findings := main.deny with input as fx.prod_input([fx.checkout_with({"image": "docker.io/acme/checkout:1.4.2"})])
	some f in findings
	f.rule == "SEC001"
	object.keys(f) == {"rule", "message", "service", "path"}
	f.service == "checkout"
	f.path == ["image"]
}

test_file_finding_shape if {
	input_ := fx.pr_input(fx.prod, [fx.checkout], "mallory", "2026-06-01", ["teams/payments.yaml"], [])
	findings := main.deny with input as input_
	some f in findings
	f == {
		"rule": "OWN002",
		"message": f.message,
		"file": "teams/payments.yaml",
		"path": [],
	}
}

test_warn_is_not_deny if {
	input_ := fx.pr_input(fx.prod, [fx.checkout], "gina", "2026-06-01", ["services/checkout/service.yaml"], [])
	fx.fired(main.warn, "OWN001", []) with input as input_
	fx.quiet(main.deny, "OWN001") with input as input_
}

test_findings_holds_deny_and_warn if {
	input_ := fx.pr_input(fx.prod, [fx.checkout_replicas(1)], "gina", "2026-06-01", ["services/checkout/service.yaml"], [])
	result := main.findings with input as input_
	result.deny == main.deny with input as input_
	result.warn == main.warn with input as input_
	fx.fired(result.deny, "REL002", ["replicas"])
	fx.fired(result.warn, "OWN001", [])
}
