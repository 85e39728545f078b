# METADATA
# title: Reliability rules (REL)
# description: Replica bounds, redundancy and probes of critical services, no experiments in production, monitoring of critical and standard services in production.
package platform.reliability

import data.platform.lib

# REL001: replicas and autoscale.max within the environment's limits.maxReplicas.
deny contains finding if {
	limit := lib.environment.limits.maxReplicas
	some svc in lib.services
	svc.replicas > limit
	message := concat("", [
		"replicas is ", lib.int_text(svc.replicas), ", above the limit of ", lib.int_text(limit),
		" per service in environment ", lib.environment_name, " (spec.limits.maxReplicas);",
		" lower replicas to at most ", lib.int_text(limit), " or ask the platform team to raise the limit",
	])
	finding := lib.service_finding(svc, "REL001", message, ["replicas"])
}

deny contains finding if {
	limit := lib.environment.limits.maxReplicas
	some svc in lib.services
	svc.autoscale.max > limit
	message := concat("", [
		"autoscale.max is ", lib.int_text(svc.autoscale.max), ", above the limit of ", lib.int_text(limit),
		" replicas per service in environment ", lib.environment_name, " (spec.limits.maxReplicas);",
		" lower autoscale.max to at most ", lib.int_text(limit), " or ask the platform team to raise the limit",
	])
	finding := lib.service_finding(svc, "REL001", message, ["autoscale", "max"])
}

# REL002: a critical service runs at least 2 replicas in production (a cron job is exempt).
deny contains finding if {
	lib.is_production
	some svc in lib.services
	critical_workload(svc)
	svc.replicas < 2
	message := concat("", [
		"critical service ", svc.name, " has replicas: ", lib.int_text(svc.replicas), " in production environment ", lib.environment_name,
		"; a single pod is an outage at the next node drain or crash: set replicas to at least 2",
	])
	finding := lib.service_finding(svc, "REL002", message, ["replicas"])
}

deny contains finding if {
	lib.is_production
	some svc in lib.services
	critical_workload(svc)
	svc.autoscale.min < 2
	message := concat("", [
		"critical service ", svc.name, " has autoscale.min: ", lib.int_text(svc.autoscale.min),
		" in production environment ", lib.environment_name, "; it may scale down to a single pod: set autoscale.min to at least 2",
	])
	finding := lib.service_finding(svc, "REL002", message, ["autoscale", "min"])
}

deny contains finding if {
	lib.is_production
	some svc in lib.services
	critical_workload(svc)
	not svc.replicas
	not svc.autoscale
	message := concat("", [
		"critical service ", svc.name, " sets neither replicas nor autoscale in production environment ",
		lib.environment_name, ", so it runs 1 replica: set replicas (or autoscale.min) to at least 2",
	])
	finding := lib.service_finding(svc, "REL002", message, [])
}

# Critical deployments (web and worker); cron jobs have neither replicas nor probes.
critical_workload(svc) if {
	svc.tier == "critical"
	svc.type != "cron"
}

# REL003: a critical service declares both a readiness and a liveness probe.
deny contains finding if {
	some svc in lib.services
	critical_workload(svc)
	declared := object.keys(object.get(svc, "probes", {}))
	missing := {probe | some probe in ["readiness", "liveness"]; not probe in declared}
	count(missing) > 0
	message := concat("", [
		"critical service ", svc.name, " has no ", concat(" and no ", sort(missing)), " probe;",
		" declare both under probes: (readiness: /ready, liveness: /healthz, or a grpc, http or exec probe)",
	])
	finding := lib.service_finding(svc, "REL003", message, ["probes"])
}

# REL004: experimental services stay out of production.
deny contains finding if {
	lib.is_production
	some svc in lib.services
	svc.tier == "experimental"
	message := concat("", [
		"experimental service ", svc.name, " is deployed to production environment ", lib.environment_name,
		"; add environments: { ", lib.environment_name, ": { enabled: false } } or raise metadata.tier",
		" to standard once it is ready for production",
	])
	finding := lib.service_finding(svc, "REL004", message, [])
}

# REL005: in production a critical web or worker service is scraped and has an SLO (deny); a standard
# one should (warn). Cron jobs serve no requests: their alert is the failed job, which needs no metrics.
deny contains finding if {
	lib.is_production
	some svc in lib.services
	svc.tier == "critical"
	svc.type != "cron"
	some gap in monitoring_gaps(svc)
	finding := lib.service_finding(svc, "REL005", monitoring_message(svc, gap), ["observability"])
}

warn contains finding if {
	lib.is_production
	some svc in lib.services
	svc.tier == "standard"
	svc.type != "cron"
	some gap in monitoring_gaps(svc)
	finding := lib.service_finding(svc, "REL005", monitoring_message(svc, gap), ["observability"])
}

# "metrics" when nothing scrapes the service here, else "slo" when it has no objective here.
monitoring_gaps(svc) := {"metrics"} if {
	not svc.observability.metrics
} else := {"slo"} if {
	not svc.observability.slo
} else := set()

monitoring_message(svc, "metrics") := concat("", [
	svc.tier, " service ", svc.name, " has no metrics scraped in production environment ", lib.environment_name,
	", so no SLO alert can tell its team it is failing: set observability.metrics.port to the port serving /metrics",
])

monitoring_message(svc, "slo") := concat("", [
	svc.tier, " service ", svc.name, " has no SLO in production environment ", lib.environment_name,
	": set observability.slo (availability, latency) or ask the platform team for a default objective of the ",
	svc.tier, " tier",
])
