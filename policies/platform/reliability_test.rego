package platform.reliability_test

import data.platform.fixtures_test as fx
import data.platform.main

deny_prod(svc) := findings if {
	findings := main.deny with input as fx.prod_input([svc])
}

deny_dev(svc) := findings if {
	findings := main.deny with input as fx.dev_input([svc])
}

# REL001: replica limits

test_rel001_replicas_above_limit if {
	fx.fired(deny_dev(object.union(fx.checkout_dev, {"replicas": 4})), "REL001", ["replicas"])
}

test_rel001_autoscale_max_above_limit if {
	fx.fired(deny_prod(fx.checkout_with({"autoscale": {"max": 51}})), "REL001", ["autoscale", "max"])
}

test_rel001_within_limits if {
	fx.quiet(deny_dev(object.union(fx.checkout_dev, {"replicas": 3})), "REL001")
	fx.quiet(deny_prod(fx.checkout_with({"autoscale": {"max": 50}})), "REL001")
}

test_rel001_no_limit_set if {
	environment := object.remove(fx.prod, ["limits"])
	findings := main.deny with input as fx.input_for(environment, [fx.checkout_with({"autoscale": {"max": 500}})])
	fx.quiet(findings, "REL001")
}

# REL002: redundancy of critical services in production

test_rel002_one_replica_in_prod if {
	fx.fired(deny_prod(fx.checkout_replicas(1)), "REL002", ["replicas"])
}

test_rel002_autoscale_min_one_in_prod if {
	fx.fired(deny_prod(fx.checkout_with({"autoscale": {"min": 1}})), "REL002", ["autoscale", "min"])
}

test_rel002_neither_replicas_nor_autoscale if {
	fx.fired(deny_prod(object.remove(fx.checkout, ["autoscale"])), "REL002", [])
}

test_rel002_two_replicas_or_not_production_or_not_critical if {
	fx.quiet(deny_prod(fx.checkout_replicas(2)), "REL002")
	fx.quiet(deny_dev(fx.checkout_dev), "REL002")
	fx.quiet(deny_prod(object.union(fx.checkout_replicas(1), {"tier": "standard"})), "REL002")
	fx.quiet(deny_prod(object.union(fx.checkout_replicas(1), {"type": "cron"})), "REL002")
}

# REL003: probes of critical services

test_rel003_missing_liveness if {
	svc := object.union(object.remove(fx.checkout_dev, ["probes"]), {"probes": {"readiness": "/ready"}})
	findings := deny_dev(svc)
	fx.fired(findings, "REL003", ["probes"])
}

test_rel003_no_probes if {
	some f in deny_dev(object.remove(fx.checkout_dev, ["probes"]))
	f.rule == "REL003"
	f.path == ["probes"]
	contains(f.message, "no liveness and no readiness probe")
}

test_rel003_both_probes_or_not_critical if {
	fx.quiet(deny_dev(fx.checkout_dev), "REL003")
	fx.quiet(deny_dev(object.union(object.remove(fx.checkout_dev, ["probes"]), {"tier": "standard"})), "REL003")
}

# REL004: experimental services stay out of production

test_rel004_experimental_in_prod if {
	fx.fired(deny_prod(fx.checkout_with({"tier": "experimental"})), "REL004", [])
}

test_rel004_experimental_in_dev if {
	fx.quiet(deny_dev(object.union(fx.checkout_dev, {"tier": "experimental"})), "REL004")
}

# REL005: monitoring of critical (deny) and standard (warn) services in production

monitored := {"observability": fx.checkout.observability}

unmonitored := object.remove(fx.checkout, ["observability"])

warn_prod(svc) := findings if {
	findings := main.warn with input as fx.prod_input([svc])
}

test_rel005_critical_without_metrics_in_prod if {
	fx.fired(deny_prod(unmonitored), "REL005", ["observability"])
	some f in deny_prod(unmonitored)
	f.rule == "REL005"
	contains(f.message, "no metrics scraped")
}

test_rel005_critical_without_slo_in_prod if {
	svc := object.union(unmonitored, {"observability": {"metrics": fx.checkout.observability.metrics}})
	some f in deny_prod(svc)
	f.rule == "REL005"
	contains(f.message, "has no SLO")
}

test_rel005_critical_monitored_or_not_production if {
	fx.quiet(deny_prod(fx.checkout_with(monitored)), "REL005")
	fx.quiet(deny_dev(fx.checkout_dev), "REL005")
	fx.quiet(warn_prod(fx.checkout_with(monitored)), "REL005")
}

test_rel005_standard_warns_not_denies if {
	svc := object.union(unmonitored, {"tier": "standard"})
	fx.quiet(deny_prod(svc), "REL005")
	fx.fired(warn_prod(svc), "REL005", ["observability"])
	fx.quiet(warn_prod(object.union(svc, monitored)), "REL005")
}

test_rel005_experimental_is_not_judged if {
	svc := object.union(unmonitored, {"tier": "experimental"})
	fx.quiet(deny_prod(svc), "REL005")
	fx.quiet(warn_prod(svc), "REL005")
}

test_rel005_cron_jobs_are_not_judged if {
	svc := object.union(unmonitored, {"type": "cron"})
	fx.quiet(deny_prod(svc), "REL005")
	fx.quiet(warn_prod(object.union(svc, {"tier": "standard"})), "REL005")
}
