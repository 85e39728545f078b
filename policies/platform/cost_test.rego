package platform.cost_test

import data.platform.fixtures_test as fx
import data.platform.main

gib := 1073741824

# COST001: per-container limits

test_cost001_cpu_request_above_limit if {
	findings := main.deny with input as fx.dev_input([object.union(fx.checkout_dev, {"resources": {"cpu": 1.5}})])
	fx.fired(findings, "COST001", ["resources", "cpu"])
}

test_cost001_memory_limit_above_limit if {
	svc := object.union(fx.checkout_dev, {"resources": {"limits": {"memory": 3 * gib}}})
	some f in main.deny with input as fx.dev_input([svc])
	f.rule == "COST001"
	f.path == ["resources", "limits", "memory"]
	contains(f.message, "3Gi")
	contains(f.message, "2Gi")
}

test_cost001_cpu_limit_and_memory_request if {
	svc := object.union(fx.checkout_dev, {"resources": {"memory": 4 * gib, "limits": {"cpu": 2}}})
	findings := main.deny with input as fx.dev_input([svc])
	fx.fired(findings, "COST001", ["resources", "memory"])
	fx.fired(findings, "COST001", ["resources", "limits", "cpu"])
}

test_cost001_at_the_limit if {
	svc := object.union(fx.checkout_dev, {"resources": {"cpu": 1, "memory": 2 * gib, "limits": {"cpu": 1, "memory": 2 * gib}}})
	findings := main.deny with input as fx.dev_input([svc])
	fx.quiet(findings, "COST001")
}

# COST002: a team's total against the namespace quota (dev: 8 CPU, 16Gi, 60 pods)

# n copies of a worker of team storefront with the given requests and scale.
fleet(n, cpu, memory, scale) := [svc |
	some i in numbers.range(1, n)
	base := object.remove(fx.worker, ["replicas"])
	svc := object.union(base, object.union(scale, {
		"name": concat("-", ["worker", format_int(i, 10)]),
		"resources": {"cpu": cpu, "memory": memory},
	}))
]

test_cost002_deny_when_minimum_exceeds_cpu_quota if {
	# 3 services x 3 replicas x 1 CPU = 9 CPU > 8
	services := fleet(3, 1, 134217728, {"replicas": 3})
	some f in main.deny with input as fx.dev_input(services)
	f == {"rule": "COST002", "file": "environments/dev.yaml", "path": ["spec", "quota", "cpu"], "message": f.message}
	contains(f.message, "team storefront requests 9 CPU")
	contains(f.message, "quota of 8 CPU")
}

test_cost002_deny_memory_and_pods if {
	# 31 services x 2 replicas = 62 pods > 60; x 512Mi = 31Gi > 16Gi
	findings := main.deny with input as fx.dev_input(fleet(31, 0.01, 536870912, {"replicas": 2}))
	fx.fired(findings, "COST002", ["spec", "quota", "memory"])
	fx.fired(findings, "COST002", ["spec", "quota", "pods"])
	fx.quiet({f | some f in findings; f.path == ["spec", "quota", "cpu"]}, "COST002")
}

test_cost002_warn_when_only_maximum_exceeds if {
	# 2 services x 500m: 3 pods each at minimum (3 CPU), 10 at maximum (10 CPU > 8)
	services := fleet(2, 0.5, 134217728, {"autoscale": {"min": 3, "max": 10, "cpu": 70}})
	input_ := fx.dev_input(services)
	fx.fired(main.warn, "COST002", ["spec", "quota", "cpu"]) with input as input_
	fx.quiet(main.deny, "COST002") with input as input_
}

test_cost002_cron_counts_one_pod if {
	# 40 cron jobs with (ignored) replicas 2 -> 40 pods <= 60; as workers they would be 80 pods
	crons := [object.union(svc, {"type": "cron"}) | some svc in fleet(40, 0.01, 1048576, {"replicas": 2})]
	fx.quiet(main.deny, "COST002") with input as fx.dev_input(crons)
	fx.fired(main.deny, "COST002", ["spec", "quota", "pods"]) with input as fx.dev_input(fleet(40, 0.01, 1048576, {"replicas": 2}))
}

test_cost002_teams_are_counted_separately if {
	# 5 CPU each for two teams: 10 CPU in the environment, but each namespace fits its 8 CPU quota
	payments := [object.union(svc, {"team": "payments", "namespace": "payments-dev"}) | some svc in fleet(5, 1, 1048576, {"replicas": 1})]
	storefront := [object.union(svc, {"name": concat("-", ["s", svc.name])}) | some svc in fleet(5, 1, 1048576, {"replicas": 1})]
	input_ := fx.dev_input(array.concat(payments, storefront))
	fx.quiet(main.deny, "COST002") with input as input_
	fx.quiet(main.warn, "COST002") with input as input_
}

test_cost002_float_requests_at_the_quota if {
	# 20 pods x 0.4 CPU = exactly 8 CPU (summed in floating point: 8.000000000000002)
	findings := main.deny with input as fx.dev_input(fleet(5, 0.4, 1048576, {"replicas": 4}))
	fx.quiet(findings, "COST002")
}

# COST002 counts a pod's sidecars and init containers, through podRequests.
test_cost002_counts_pod_requests_with_sidecars if {
	# 3 pods at minimum: 0.25 cores each fits 40; 14 cores each (main + sidecars) does not.
	svc := fx.checkout_with({"podRequests": {"cpu": 14, "memory": 268435456}})
	fx.fired(main.deny, "COST002", ["spec", "quota", "cpu"]) with input as fx.prod_input([svc])
	fx.quiet(main.deny, "COST002") with input as fx.prod_input([fx.checkout])
}

# COST003: a team's monthly cost across all environments against its budget (payments: $5000)

with_cost(team, min, max) := object.union(fx.teams, {team: object.union(fx.teams[team], {"cost": {"min": min, "max": max}})})

budget_input(team, min, max) := object.union(fx.prod_input([fx.checkout]), {"teams": with_cost(team, min, max)})

test_cost003_deny_over_budget if {
	some f in main.deny with input as budget_input("payments", 5000.01, 5000.01)
	f == {"rule": "COST003", "file": "teams/payments.yaml", "path": ["spec", "budget", "monthly"], "message": f.message}
	contains(f.message, "team payments costs $5000 a month across all environments")
	contains(f.message, "over its budget of $5000 (100 %)")
	fx.quiet(main.warn, "COST003") with input as budget_input("payments", 5000.01, 5000.01)
}

test_cost003_warn_at_80_percent if {
	input_ := budget_input("payments", 4000, 4000)
	some f in main.warn with input as input_
	f.rule == "COST003"
	f.file == "teams/payments.yaml"
	contains(f.message, "$4000 a month across all environments, 80 % of its budget of $5000")
	fx.quiet(main.deny, "COST003") with input as input_
}

test_cost003_warn_when_only_maximum_exceeds if {
	input_ := budget_input("payments", 1000, 6000)
	some f in main.warn with input as input_
	f.rule == "COST003"
	contains(f.message, "($6000 with every autoscaled service at autoscale.max)")
	contains(f.message, "and over it at autoscale.max ($6000)")
	fx.quiet(main.deny, "COST003") with input as input_
}

test_cost003_quiet_below_80_percent if {
	input_ := budget_input("payments", 3999.99, 3999.99)
	fx.quiet(main.warn, "COST003") with input as input_
	fx.quiet(main.deny, "COST003") with input as input_
}

test_cost003_at_the_budget_is_a_warning if {
	input_ := budget_input("payments", 5000, 5000)
	fx.fired(main.warn, "COST003", ["spec", "budget", "monthly"]) with input as input_
	fx.quiet(main.deny, "COST003") with input as input_
}

test_cost003_quiet_without_cost if {
	fx.quiet(main.warn, "COST003") with input as fx.prod_input([fx.checkout])
	fx.quiet(main.deny, "COST003") with input as fx.prod_input([fx.checkout])
}

test_cost003_zero_budget if {
	teams := object.union(fx.teams, {"data": {"file": "teams/data.yaml", "members": ["x"], "domains": [], "budget": 0, "cost": {"min": 1, "max": 1}}})
	some f in main.deny with input as object.union(fx.prod_input([]), {"teams": teams})
	f.rule == "COST003"
	contains(f.message, "(no budget)")
}
