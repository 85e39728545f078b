# METADATA
# title: Cost rules (COST)
# description: Per-container CPU and memory limits, and each team's total requests against its namespace quota.
package platform.cost

import data.platform.lib

# COST001: CPU and memory requests and limits within the environment's maxCpu / maxMemory.
deny contains finding if {
	some svc in lib.services
	some check in resource_checks
	value := resource_value(svc, check.path)
	limit := lib.environment.limits[check.limit]
	value > limit
	message := concat("", [
		concat(".", check.path), " is ", quantity_text(check.kind, value), ", above the limit of ",
		quantity_text(check.kind, limit), " per container in environment ", lib.environment_name,
		" (spec.limits.", check.limit, "); lower it to at most ", quantity_text(check.kind, limit),
		" or ask the platform team to raise the limit",
	])
	finding := lib.service_finding(svc, "COST001", message, check.path)
}

resource_checks := [
	{"path": ["resources", "cpu"], "limit": "maxCpu", "kind": "cpu"},
	{"path": ["resources", "memory"], "limit": "maxMemory", "kind": "memory"},
	{"path": ["resources", "limits", "cpu"], "limit": "maxCpu", "kind": "cpu"},
	{"path": ["resources", "limits", "memory"], "limit": "maxMemory", "kind": "memory"},
]

resource_value(svc, path) := svc[path[0]][path[1]] if count(path) == 2

resource_value(svc, path) := svc[path[0]][path[1]][path[2]] if count(path) == 3

quantity_text("cpu", cores) := lib.cpu_text(cores)

quantity_text("memory", bytes) := lib.memory_text(bytes)

# COST002: the sum of a team's requests (request x pods) fits the namespace quota.
# deny: already at minimum scale (replicas, autoscale.min); warn: only at autoscale.max.
deny contains finding if {
	some team, usage in usage_by_team
	some dimension, limit in quota
	usage.min[dimension] > limit
	finding := quota_finding(team, usage, dimension, limit, "min")
}

warn contains finding if {
	some team, usage in usage_by_team
	some dimension, limit in quota
	usage.min[dimension] <= limit
	usage.max[dimension] > limit
	finding := quota_finding(team, usage, dimension, limit, "max")
}

# The environment's per-namespace quota in comparable units: millicores, bytes, pods.
quota[dimension] := value if {
	some dimension, raw in object.get(lib.environment, "quota", {})
	value := quota_units(dimension, raw)
}

quota_units("cpu", cores) := lib.millicores(cores)

quota_units("memory", bytes) := bytes

quota_units("pods", pods) := pods

# Per team, its total requests at minimum and maximum scale. A pod's requests are
# podRequests (with sidecars and init containers counted as the scheduler counts
# them), or the main container's resources when the input has none. One pass over the
# services per team (teams are few), integers only: millicores, bytes and pods.
usage_by_team[team] := usage if {
	some team in {svc.team | some svc in lib.services}
	rows := [[pods_min(svc), pods_max(svc), lib.millicores(requests.cpu), requests.memory, svc.namespace] |
		some svc in lib.services
		svc.team == team
		requests := object.get(svc, "podRequests", svc.resources)
	]
	usage := {
		"namespace": rows[0][4],
		"min": {
			"cpu": sum([n | some row in rows; n := row[0] * row[2]]),
			"memory": sum([n | some row in rows; n := row[0] * row[3]]),
			"pods": sum([row[0] | some row in rows]),
		},
		"max": {
			"cpu": sum([n | some row in rows; n := row[1] * row[2]]),
			"memory": sum([n | some row in rows; n := row[1] * row[3]]),
			"pods": sum([row[1] | some row in rows]),
		},
	}
}

# Pods a service runs at its smallest and largest scale; a cron job counts one pod.
pods_min(svc) := 1 if {
	svc.type == "cron"
} else := svc.autoscale.min if {
	svc.autoscale
} else := object.get(svc, "replicas", 1)

pods_max(svc) := 1 if {
	svc.type == "cron"
} else := svc.autoscale.max if {
	svc.autoscale
} else := object.get(svc, "replicas", 1)

usage_text("cpu", m) := concat("", [lib.millicores_text(m), " CPU"])

usage_text("memory", bytes) := lib.memory_text(bytes)

usage_text("pods", pods) := concat("", [lib.int_text(pods), " pods"])

quota_finding(team, usage, dimension, limit, "min") := lib.file_finding(lib.environment.file, "COST002", message, ["spec", "quota", dimension]) if {
	message := concat("", [
		"team ", team, " requests ", usage_text(dimension, usage.min[dimension]), " in namespace ", usage.namespace,
		" of environment ", lib.environment_name, " (requests x replicas, autoscale.min for autoscaled services),",
		" above the namespace quota of ", usage_text(dimension, limit), "; lower the team's requests or replicas,",
		" or ask the platform team to raise spec.quota.", dimension,
	])
}

quota_finding(team, usage, dimension, limit, "max") := lib.file_finding(lib.environment.file, "COST002", message, ["spec", "quota", dimension]) if {
	message := concat("", [
		"team ", team, " would request ", usage_text(dimension, usage.max[dimension]), " in namespace ", usage.namespace,
		" of environment ", lib.environment_name, " with every autoscaled service at autoscale.max, above the",
		" namespace quota of ", usage_text(dimension, limit), " (", usage_text(dimension, usage.min[dimension]),
		" at minimum scale), so autoscaling stops short of max; lower autoscale.max or requests,",
		" or ask the platform team to raise spec.quota.", dimension,
	])
}

# METADATA
# title: COST003 team budget
# description: |
#   A team's monthly cost across every environment (the input's teams[team].cost, computed by
#   `idp cost`'s own code: requests x pods at each environment's prices, plus dependencies) against
#   budget.monthly in its team file. Over the budget at minimum scale is denied; at 80 % of it or more,
#   or over it only at autoscale.max, is a warning. Every evaluation (one per environment) sees the same
#   totals, so the finding is one, on the team file's budget.
deny contains finding if {
	some team, facts in lib.teams
	facts.cost.min > facts.budget
	finding := budget_finding(facts, concat("", [
		"team ", team, " costs ", usd_text(facts.cost.min), " a month across all environments",
		range_note(facts.cost), ", over its budget of ", usd_text(facts.budget),
		" (", percent_text(facts.cost.min, facts.budget), "); lower requests, replicas or dependency sizes",
		" (see idp cost --team ", team, "), or ask the platform team to raise budget.monthly",
	]))
}

# METADATA
# title: COST003 team budget nearly used
# description: |
#   A team within its budget at minimum scale, but using 80 % of it or more, or over it when
#   every autoscaled service runs at autoscale.max: a warning before the budget is exceeded.
warn contains finding if {
	some team, facts in lib.teams
	facts.cost.min <= facts.budget
	budget_warning(facts)
	finding := budget_finding(facts, concat("", [
		"team ", team, " costs ", usd_text(facts.cost.min), " a month across all environments",
		range_note(facts.cost), ", ", percent_text(facts.cost.min, facts.budget), " of its budget of ",
		usd_text(facts.budget), max_note(facts), "; see idp cost --team ", team,
	]))
}

budget_warning(facts) if facts.cost.min * 10 >= facts.budget * 8

budget_warning(facts) if facts.cost.max > facts.budget

budget_finding(facts, message) := lib.file_finding(facts.file, "COST003", message, ["spec", "budget", "monthly"])

# "$1234" (whole dollars: the rule speaks of budgets, idp cost gives the cents).
usd_text(amount) := concat("", ["$", format_int(round(amount), 10)])

percent_text(_, 0) := "no budget"

percent_text(amount, budget) := concat("", [format_int(round((amount * 100) / budget), 10), " %"]) if budget != 0

range_note(cost) := "" if {
	cost.max == cost.min
} else := concat("", [" (", usd_text(cost.max), " with every autoscaled service at autoscale.max)"])

max_note(facts) := concat("", [", and over it at autoscale.max (", usd_text(facts.cost.max), ")"]) if {
	facts.cost.max > facts.budget
} else := ""
