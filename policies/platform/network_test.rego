package platform.network_test

import data.platform.fixtures_test as fx
import data.platform.main

with_egress(rules) := fx.checkout_with({"egress": rules})

open_world := [{"cidr": "0.0.0.0/0", "ports": [443]}]

test_net001_open_egress_denied_in_prod if {
	findings := main.deny with input as fx.prod_input([with_egress(open_world)])
	fx.fired(findings, "NET001", ["egress", 0, "cidr"])
}

test_net001_open_ipv6_egress_denied_in_prod if {
	svc := with_egress([{"host": "api.stripe.com", "ports": [443]}, {"cidr": "::/0", "ports": [443]}])
	findings := main.deny with input as fx.prod_input([svc])
	fx.fired(findings, "NET001", ["egress", 1, "cidr"])
}

test_net001_open_egress_only_warns_outside_prod if {
	svc := with_egress(open_world)
	fx.quiet(main.deny, "NET001") with input as fx.dev_input([svc])
	fx.fired(main.warn, "NET001", ["egress", 0, "cidr"]) with input as fx.dev_input([svc])
}

test_net001_narrow_cidr_is_fine if {
	svc := with_egress([{"cidr": "203.0.113.0/24", "ports": [5432]}])
	fx.quiet(main.deny, "NET001") with input as fx.prod_input([svc])
	fx.quiet(main.warn, "NET001") with input as fx.prod_input([svc])
}

test_net002_host_egress_warns_in_prod if {
	svc := with_egress([{"host": "api.stripe.com", "ports": [443]}])
	fx.fired(main.warn, "NET002", ["egress", 0, "host"]) with input as fx.prod_input([svc])
	fx.quiet(main.deny, "NET002") with input as fx.prod_input([svc])
}

test_net002_host_egress_is_quiet_outside_prod if {
	svc := with_egress([{"host": "api.stripe.com", "ports": [443]}])
	fx.quiet(main.warn, "NET002") with input as fx.dev_input([svc])
}

test_net003_load_balancer_denied_in_prod if {
	svc := fx.checkout_with({"expose": "loadBalancer"})
	fx.fired(main.deny, "NET003", ["expose"]) with input as fx.prod_input([svc])
	fx.quiet(main.warn, "NET003") with input as fx.prod_input([svc])
}

test_net003_load_balancer_only_warns_outside_prod if {
	svc := fx.checkout_with({"expose": "loadBalancer"})
	fx.quiet(main.deny, "NET003") with input as fx.dev_input([svc])
	fx.fired(main.warn, "NET003", ["expose"]) with input as fx.dev_input([svc])
}

test_net003_cluster_service_is_quiet if {
	svc := fx.checkout_with({"route": {"host": "shop.example.com", "path": "/"}})
	fx.quiet(main.deny, "NET003") with input as fx.prod_input([svc])
	fx.quiet(main.warn, "NET003") with input as fx.dev_input([svc])
}
