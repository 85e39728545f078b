package platform.security_test

import data.platform.fixtures_test as fx
import data.platform.main

deny_prod(svc) := findings if {
	findings := main.deny with input as fx.prod_input([svc])
}

deny_dev(svc) := findings if {
	findings := main.deny with input as fx.dev_input([svc])
}

# SEC001: registries

test_sec001_image_from_another_registry if {
	fx.fired(deny_prod(fx.checkout_with({"image": "docker.io/library/nginx:1.27.0"})), "SEC001", ["image"])
}

test_sec001_registry_prefix_is_a_whole_path_segment if {
	fx.fired(deny_prod(fx.checkout_with({"image": "ghcr.io/acme-evil/checkout:1.4.2"})), "SEC001", ["image"])
}

test_sec001_allowed_registries if {
	fx.quiet(deny_prod(fx.checkout), "SEC001")
	fx.quiet(deny_dev(fx.checkout_with({"image": "ghcr.io/acme-dev/checkout:1.5.0-rc.1"})), "SEC001")
}

test_sec001_dev_registry_not_allowed_in_prod if {
	fx.fired(deny_prod(fx.checkout_with({"image": "ghcr.io/acme-dev/checkout:1.5.0"})), "SEC001", ["image"])
}

# SEC002: latest, or neither tag nor digest

test_sec002_latest if {
	fx.fired(deny_dev(fx.checkout_with({"image": "ghcr.io/acme/checkout:latest"})), "SEC002", ["image"])
}

test_sec002_no_tag if {
	fx.fired(deny_dev(fx.checkout_with({"image": "ghcr.io/acme/checkout"})), "SEC002", ["image"])
}

test_sec002_registry_port_is_not_a_tag if {
	findings := main.deny with input as fx.dev_input([fx.checkout_with({"image": "ghcr.io:443/acme/checkout"})])
	fx.fired(findings, "SEC002", ["image"])
}

test_sec002_tag_or_digest_is_fine if {
	fx.quiet(deny_dev(fx.checkout_with({"image": "ghcr.io/acme/checkout:main"})), "SEC002")
	digest := "ghcr.io/acme/checkout@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	fx.quiet(deny_dev(fx.checkout_with({"image": digest})), "SEC002")
}

# SEC003: immutable images in production

test_sec003_branch_tag_in_prod if {
	fx.fired(deny_prod(fx.checkout_with({"image": "ghcr.io/acme/checkout:main"})), "SEC003", ["image"])
}

test_sec003_partial_version_in_prod if {
	fx.fired(deny_prod(fx.checkout_with({"image": "ghcr.io/acme/checkout:1.4"})), "SEC003", ["image"])
}

test_sec003_short_digest_in_prod if {
	fx.fired(deny_prod(fx.checkout_with({"image": "ghcr.io/acme/checkout@sha256:0123"})), "SEC003", ["image"])
}

test_sec003_semver_and_digest_in_prod if {
	some image in [
		"ghcr.io/acme/checkout:1.4.2",
		"ghcr.io/acme/checkout:v1.4.2",
		"ghcr.io/acme/checkout:2.0.0-rc.1",
		"ghcr.io/acme/checkout:2.0.0-rc.1+build.7",
		"ghcr.io/acme/checkout:main@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	]
	fx.quiet(deny_prod(fx.checkout_with({"image": image})), "SEC003")
}

test_sec003_only_in_production if {
	fx.quiet(deny_dev(fx.checkout_with({"image": "ghcr.io/acme/checkout:main"})), "SEC003")
}

# SEC004: credentials in env

credential_examples := {
	"AWS access key id": "AKIAIOSFODNN7EXAMPLE",
	"AWS session key id": "key=ASIAY34FZKBOKMUTVV7A;",
	"private key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
	"RSA private key": "-----BEGIN RSA PRIVATE KEY-----",
	"GitHub token": "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
	"GitHub fine-grained token": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
	"Slack token": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
	"Stripe live key": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
	"Stripe restricted key": "rk_live_4eC39HqLyjWDarjtT1zdp7dc",
	"Google API key": "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
	"JSON Web Token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
	"password in a URL": "postgres://app:hunter2@orders-db:5432/orders",
}

test_sec004_known_credential_formats if {
	every _, value in credential_examples {
		svc := fx.with_env(fx.checkout, "LEAKED", value, count(value), 3)
		fx.fired(deny_dev(svc), "SEC004", ["env", "LEAKED"])
	}
}

test_sec004_high_entropy if {
	svc := fx.with_env(fx.checkout, "TOKEN", "q8Zr2LwX9vT4mKp7Yc1Hn6Bf3Jd5", 28, 4.75)
	fx.fired(deny_dev(svc), "SEC004", ["env", "TOKEN"])
}

test_sec004_message_never_contains_the_value if {
	value := "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
	some f in deny_dev(fx.with_env(fx.checkout, "STRIPE", value, count(value), 4.2))
	f.rule == "SEC004"
	not contains(f.message, value)
	contains(f.message, "secrets:")
}

test_sec004_ordinary_values if {
	ordinary := {
		"LOG_LEVEL": ["info", 4, 2],
		"PLACEHOLDER": ["${dependencies.catalog-db.uri}", 30, 4.148],
		"URL": ["https://api.example.com/v1/Q9zX2LwP8vT4mKp7", 41, 4.3],
		"HOST": ["orders-db.payments-prod.svc.cluster.local:5432", 47, 4.1],
		"SENTENCE": ["The quick brown fox jumps over the lazy dog", 43, 4.2],
		"SHORT": ["q8Zr2LwX9vT4mKp7", 16, 4.0],
		"LOW_ENTROPY": ["aaaaaaaabbbbbbbbccccccccdddddddd", 32, 2],
		"URL_PLACEHOLDER_PASSWORD": ["postgres://app:${dependencies.db.password}@db:5432/x", 50, 4.2],
	}
	every key, facts in ordinary {
		svc := fx.with_env(fx.checkout, key, facts[0], facts[1], facts[2])
		fx.quiet(deny_dev(svc), "SEC004")
	}
}

# The shared corpus (test/fixtures/secrets/corpus.json, loaded as data by tools/policy-check.sh);
# test/secret-corpus.test.ts runs the same entries through the compiled wasm.

test_sec004_corpus_credentials_are_flagged if {
	count(data.secret_corpus.flagged) > 20
	every entry in data.secret_corpus.flagged {
		svc := fx.with_env(fx.checkout, entry.key, entry.value, entry.length, entry.entropy)
		fx.fired(deny_dev(svc), "SEC004", ["env", entry.key])
	}
}

test_sec004_corpus_harmless_values_pass if {
	count(data.secret_corpus.harmless) > 20
	every entry in data.secret_corpus.harmless {
		svc := fx.with_env(fx.checkout, entry.key, entry.value, entry.length, entry.entropy)
		fx.quiet(deny_dev(svc), "SEC004")
	}
}

test_sec004_credential_names if {
	every key in ["DB_PASSWORD", "API_TOKEN", "CLIENT_SECRET", "STRIPE_KEY", "AWS_CREDENTIALS", "smtp_passwd"] {
		svc := fx.with_env(fx.checkout, key, "changeme", 8, 2.75)
		fx.fired(deny_dev(svc), "SEC004", ["env", key])
	}
}

test_sec004_names_that_point_at_a_credential if {
	every key in ["DB_PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME", "TOKEN_TTL", "API_KEY_HEADER"] {
		svc := fx.with_env(fx.checkout, key, "changeme", 8, 2.75)
		fx.quiet(deny_dev(svc), "SEC004")
	}
}

test_sec004_credential_name_message_names_the_kind if {
	some f in deny_dev(fx.with_env(fx.checkout, "DB_PASSWORD", "hunter2", 7, 2.5))
	f.rule == "SEC004"
	contains(f.message, "a value under a credential name")
	not contains(f.message, "hunter2")
}

test_sec004_long_hex if {
	value := "8f14e45fceea167a5a36dedd4bea2543b7c2a9d1"
	svc := fx.with_env(fx.checkout, "OAUTH", value, 40, 3.7)
	fx.fired(deny_dev(svc), "SEC004", ["env", "OAUTH"])
}

test_sec004_uuid_is_not_hex_secret if {
	value := "123e4567-e89b-12d3-a456-426614174000"
	svc := fx.with_env(fx.checkout, "TENANT_ID", value, 36, 3.6)
	fx.quiet(deny_dev(svc), "SEC004")
}

# SEC005: route hosts

test_sec005_host_outside_domains if {
	fx.fired(deny_prod(fx.checkout_with({"route": {"host": "checkout.evil.example"}})), "SEC005", ["route", "host"])
}

test_sec005_suffix_is_not_a_subdomain if {
	fx.fired(deny_prod(fx.checkout_with({"route": {"host": "shopacme.example"}})), "SEC005", ["route", "host"])
}

test_sec005_other_environment_domain_in_dev if {
	fx.fired(deny_dev(fx.checkout_with({"route": {"host": "shop.acme.example"}})), "SEC005", ["route", "host"])
}

test_sec005_environment_and_team_domains if {
	fx.quiet(deny_prod(fx.checkout_with({"route": {"host": "acme.example"}})), "SEC005")
	fx.quiet(deny_dev(fx.checkout_with({"route": {"host": "shop.dev.acme.example"}})), "SEC005")
	fx.quiet(deny_dev(fx.checkout_with({"route": {"host": "webhooks.pay.acme.example"}})), "SEC005")
	fx.quiet(deny_prod(object.remove(fx.checkout, ["route"])), "SEC005")
}

# Init containers and sidecars: the same image rules, the same credential rule.

sidecar(image) := {"name": "proxy", "image": image, "env": {}, "envFacts": {}}

test_sec001_sidecar_from_another_registry if {
	svc := fx.checkout_with({"sidecars": [sidecar("docker.io/envoyproxy/envoy:v1.31.0")]})
	fx.fired(deny_prod(svc), "SEC001", ["sidecars", 0, "image"])
}

test_sec002_init_container_latest if {
	svc := fx.checkout_with({"initContainers": [sidecar("ghcr.io/acme/migrate:1.0.0"), sidecar("ghcr.io/acme/setup:latest")]})
	fx.fired(deny_dev(svc), "SEC002", ["initContainers", 1, "image"])
}

test_sec003_sidecar_branch_tag_in_prod if {
	svc := fx.checkout_with({"sidecars": [sidecar("ghcr.io/acme/proxy:main")]})
	fx.fired(deny_prod(svc), "SEC003", ["sidecars", 0, "image"])
	fx.quiet(deny_dev(svc), "SEC003")
}

test_sec001_to_003_sidecar_pinned_and_allowed if {
	svc := fx.checkout_with({"sidecars": [sidecar("ghcr.io/acme/proxy:1.2.0")], "initContainers": [sidecar("ghcr.io/acme/migrate:1.0.0")]})
	findings := deny_prod(svc)
	fx.quiet(findings, "SEC001")
	fx.quiet(findings, "SEC002")
	fx.quiet(findings, "SEC003")
}

test_sec004_credential_in_sidecar_env if {
	container := object.union(sidecar("ghcr.io/acme/proxy:1.2.0"), {"env": {"UPSTREAM_TOKEN": "hunter2hunter2"}})
	fx.fired(deny_dev(fx.checkout_with({"sidecars": [container]})), "SEC004", ["sidecars", 0, "env", "UPSTREAM_TOKEN"])
}

test_sec004_plain_sidecar_env_is_fine if {
	container := object.union(sidecar("ghcr.io/acme/proxy:1.2.0"), {"env": {"UPSTREAM": "http://localhost:8080", "LOG_LEVEL": "info"}})
	fx.quiet(deny_dev(fx.checkout_with({"sidecars": [container]})), "SEC004")
}

test_sec004_private_key_in_a_file if {
	file := {"path": "/etc/app/tls.key", "content": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n", "facts": {"length": 70, "entropy": 3.5}}
	fx.fired(deny_dev(fx.checkout_with({"files": [file]})), "SEC004", ["files", 0, "content"])
}

test_sec004_plain_file_is_fine if {
	file := {"path": "/etc/app/config.yaml", "content": "level: info\nlisten: :8080\n", "facts": {"length": 26, "entropy": 3.9}}
	fx.quiet(deny_dev(fx.checkout_with({"files": [file]})), "SEC004")
}

test_sec004_token_in_a_probe_header if {
	probes := {"readiness": {"http": {"path": "/ready", "headers": {"Authorization": "Bearer ghp_0123456789abcdefghijABCDEFGHIJ012345"}}}, "liveness": "/healthz"}
	fx.fired(deny_dev(fx.checkout_with({"probes": probes})), "SEC004", ["probes", "readiness", "http", "headers", "Authorization"])
}

test_sec004_plain_probe_header_is_fine if {
	probes := {"readiness": {"http": {"path": "/ready", "headers": {"X-Health-Check": "kubelet"}}}, "liveness": "/healthz"}
	fx.quiet(deny_dev(fx.checkout_with({"probes": probes})), "SEC004")
}
