# Test fixtures: a production and a development environment, teams and one
# well-behaved critical service, shaped like the input the TypeScript side builds.
# Tests change one thing at a time and check that exactly that rule fires.
package platform.fixtures_test

prod := {
	"name": "prod",
	"file": "environments/prod.yaml",
	"promotesFrom": "staging",
	"domain": "acme.example",
	"registries": ["ghcr.io/acme"],
	"limits": {"maxReplicas": 50, "maxCpu": 4, "maxMemory": 8589934592},
	"quota": {"cpu": 40, "memory": 85899345920, "pods": 300},
	"freeze": [{"from": "2026-12-20", "to": "2027-01-04", "reason": "year-end freeze"}],
	"isProduction": true,
}

dev := {
	"name": "dev",
	"file": "environments/dev.yaml",
	"domain": "dev.acme.example",
	"registries": ["ghcr.io/acme", "ghcr.io/acme-dev"],
	"limits": {"maxReplicas": 3, "maxCpu": 1, "maxMemory": 2147483648},
	"quota": {"cpu": 8, "memory": 17179869184, "pods": 60},
	"freeze": [],
	"isProduction": false,
}

teams := {
	"payments": {"file": "teams/payments.yaml", "members": ["alice", "bob"], "domains": ["pay.acme.example"], "budget": 5000},
	"platform": {"file": "teams/platform.yaml", "members": ["carol", "dmitri"], "domains": [], "budget": 4000},
	"storefront": {"file": "teams/storefront.yaml", "members": ["gina"], "domains": [], "budget": 6000},
}

checkout := {
	"name": "checkout",
	"team": "payments",
	"tier": "critical",
	"type": "web",
	"file": "services/checkout/service.yaml",
	"namespace": "payments",
	"image": "ghcr.io/acme/checkout:1.4.2",
	"autoscale": {"min": 3, "max": 20, "cpu": 60},
	"resources": {"cpu": 0.25, "memory": 268435456, "limits": {"cpu": 0.5, "memory": 536870912}},
	"route": {"host": "shop.acme.example", "path": "/"},
	"env": {"LOG_LEVEL": "info", "CART_ADDR": "${calls.cart.address}", "DATABASE_URL": "${dependencies.orders-db.uri}"},
	"envFacts": {
		"LOG_LEVEL": {"length": 4, "entropy": 2},
		"CART_ADDR": {"length": 21, "entropy": 3.463},
		"DATABASE_URL": {"length": 29, "entropy": 3.742},
	},
	"secrets": {"STRIPE_KEY": "payments/stripe#api_key"},
	"probes": {"readiness": "/ready", "liveness": "/healthz"},
	"calls": ["cart"],
	"dependencies": [{"name": "orders-db", "type": "postgres", "size": "small"}],
	"observability": {
		"metrics": {"port": "http", "path": "/metrics", "interval": "30s"},
		"slo": {"availability": 99.9, "window": "30d"},
	},
}

# checkout with fixed replicas instead of autoscale.
checkout_replicas(n) := object.union(object.remove(checkout, ["autoscale"]), {"replicas": n})

# checkout as it runs in dev: one replica, a host under the dev domain.
checkout_dev := object.union(checkout_replicas(1), {"route": {"host": "shop.dev.acme.example"}})

# checkout with some settings replaced (objects merge key by key).
checkout_with(overrides) := object.union(checkout, overrides)

# A standard worker of another team.
worker := {
	"name": "email-worker",
	"team": "storefront",
	"tier": "standard",
	"type": "worker",
	"file": "services/email-worker/service.yaml",
	"namespace": "storefront",
	"image": "ghcr.io/acme/email-worker:0.9.3",
	"replicas": 1,
	"resources": {"cpu": 0.1, "memory": 134217728, "limits": {"memory": 134217728}},
	"env": {},
	"envFacts": {},
	"secrets": {},
	"probes": {"liveness": {"exec": ["/app/worker", "healthcheck"]}},
	"calls": [],
	"observability": {
		"metrics": {"port": "metrics", "path": "/metrics", "interval": "30s"},
		"slo": {"availability": 99.5, "window": "30d"},
	},
	"dependencies": [],
}

input_for(environment, services) := {"environment": environment, "services": services, "teams": teams, "change": {}}

prod_input(services) := input_for(prod, services)

dev_input(services) := input_for(dev, services)

# A pull request by author on date touching files, with changedServices in this environment.
pr_input(environment, services, author, date, files, changed) := object.union(input_for(environment, services), {"change": {
	"author": author,
	"base": "origin/main",
	"date": date,
	"files": files,
	"changedServices": changed,
	"members": {name: team.members | some name, team in teams},
	"owners": {svc.name: svc.team | some svc in services},
	"teams": {svc.name: svc.team | some svc in services},
}})

# A pull request whose change context is given in full (members, owners, teams, newCalls as on the base).
pr_with(environment, services, author, files, extra) := object.union(
	pr_input(environment, services, author, "2026-06-01", files, []),
	{"change": extra},
)

# An environment variable with its facts.
with_env(svc, key, value, length, entropy) := object.union(svc, {
	"env": {key: value},
	"envFacts": {key: {"length": length, "entropy": entropy}},
})

rules(findings) := {f.rule | some f in findings}

# findings holds one from rule at path.
fired(findings, rule, path) if {
	some f in findings
	f.rule == rule
	f.path == path
}

quiet(findings, rule) if not rule in rules(findings)
