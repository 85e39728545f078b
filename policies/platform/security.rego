# METADATA
# title: Security rules (SEC)
# description: Where images come from, how they are pinned, no credentials in env, route hosts.
package platform.security

import data.platform.lib

registries := object.get(lib.environment, "registries", [])

# SEC001: images (the main one, init containers' and sidecars') come from one of the environment's registries.
deny contains finding if {
	count(registries) > 0
	some svc in lib.services
	some ref in lib.images(svc)
	not from_allowed_registry(ref.image)
	message := concat("", [
		"image ", ref.image, " is not from a registry allowed in environment ", lib.environment_name,
		" (", lib.join(registries), "); push the image to one of them and reference it from there",
	])
	finding := lib.service_finding(svc, "SEC001", message, ref.path)
}

from_allowed_registry(image) if {
	some registry in registries
	startswith(image, concat("", [registry, "/"]))
}

# SEC002: no `latest` tag, and no image without both tag and digest.
deny contains finding if {
	some svc in lib.services
	some ref in lib.images(svc)
	lib.image_tag(ref.image) == "latest"
	message := concat("", [
		"image ", ref.image, " uses the tag latest, which changes under you;",
		" use a version tag such as 1.4.2 (or a @sha256: digest)",
	])
	finding := lib.service_finding(svc, "SEC002", message, ref.path)
}

deny contains finding if {
	some svc in lib.services
	some ref in lib.images(svc)
	not lib.image_has_tag(ref.image)
	not lib.image_has_digest(ref.image)
	message := concat("", [
		"image ", ref.image, " has no tag (it means latest);",
		" add a version tag such as :1.4.2 (or a @sha256: digest)",
	])
	finding := lib.service_finding(svc, "SEC002", message, ref.path)
}

# SEC003: production runs immutable images: a semver tag or a sha256 digest.
deny contains finding if {
	lib.is_production
	some svc in lib.services
	some ref in lib.images(svc)
	not immutable(ref.image)
	message := concat("", [
		"image ", ref.image, " is not immutable, which production environment ", lib.environment_name,
		" requires; use a release tag such as 1.4.2 or v1.4.2 (semver), or pin a @sha256: digest",
	])
	finding := lib.service_finding(svc, "SEC003", message, ref.path)
}

immutable(image) if lib.image_has_sha256_digest(image)

immutable(image) if lib.image_has_semver_tag(image)

# SEC004: no credentials in env values. The message never contains the value.
deny contains finding if {
	some svc in lib.services
	some key, value in object.get(svc, "env", {})
	is_string(value)
	kinds := credential_kinds(key, value, object.get(object.get(svc, "envFacts", {}), key, {}))
	count(kinds) > 0
	message := concat("", [
		"env ", key, " looks like a credential (", lib.join(kinds), "); env values are plain text in git",
		" and in the rendered manifests: put the value in the secret store, reference it under secrets:",
		" (", key, ": <store path>#<key>), remove it from env and rotate it",
	])
	finding := lib.service_finding(svc, "SEC004", message, ["env", key])
}

# SEC004 in every other plain text a service writes: its init containers' and sidecars' env,
# its files' content and its probes' HTTP headers.
deny contains finding if {
	some svc in lib.services
	some text in plain_texts(svc)
	kinds := credential_kinds(text.key, text.value, text.facts)
	count(kinds) > 0
	message := concat("", [
		text.what, " looks like a credential (", lib.join(kinds), "); it is plain text in git",
		" and in the rendered manifests: put the value in the secret store, reference it under secrets:",
		" (in the main container's env), remove it and rotate it",
	])
	finding := lib.service_finding(svc, "SEC004", message, text.path)
}

# Plain text besides env, each with the name it is judged under, its facts and its path.
plain_texts(svc) := array.concat(array.concat(container_env_texts(svc), file_texts(svc)), header_texts(svc))

# A file is judged by its content alone: its path is no credential name.
file_texts(svc) := [text |
	some i, file in object.get(svc, "files", [])
	text := {
		"what": concat("", ["files[", format_int(i, 10), "] (", file.path, ")"]),
		"key": "",
		"value": file.content,
		"facts": object.get(file, "facts", {}),
		"path": ["files", i, "content"],
	}
]

header_texts(svc) := [text |
	some which, probe in object.get(svc, "probes", {})
	is_object(probe)
	some name, value in object.get(object.get(probe, "http", {}), "headers", {})
	text := {
		"what": concat("", ["probes.", which, " header ", name]),
		"key": name,
		"value": value,
		"facts": object.get(object.get(object.get(svc, "probeHeaderFacts", {}), which, {}), name, {}),
		"path": ["probes", which, "http", "headers", name],
	}
]

container_env_texts(svc) := [text |
	some field in lib.container_fields
	some i, container in object.get(svc, field, [])
	some key, value in object.get(container, "env", {})
	is_string(value)
	text := {
		"what": concat("", [field, "[", format_int(i, 10), "] env ", key]),
		"key": key,
		"value": value,
		"facts": object.get(object.get(container, "envFacts", {}), key, {}),
		"path": [field, i, "env", key],
	}
]

# Known credential formats, by what they are.
secret_patterns := {
	"AWS access key id": `(^|[^0-9A-Za-z])(AKIA|ASIA)[0-9A-Z]{16}([^0-9A-Za-z]|$)`,
	"private key": `-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`,
	"GitHub token": `(gh[oprsu]_[0-9A-Za-z]{30,}|github_pat_[0-9A-Za-z_]{30,})`,
	"Slack token": `xox[abpr]-[0-9A-Za-z-]{10,}`,
	"Stripe live key": `(sk|rk)_live_[0-9A-Za-z]{10,}`,
	"Google API key": `AIza[0-9A-Za-z_-]{35}`,
	"JSON Web Token": `eyJ[0-9A-Za-z_-]+\.eyJ[0-9A-Za-z_-]+\.`,
	"password in a URL": `[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:[^/\s@$][^/\s@]*@`,
}

# All patterns in one expression: one regex test per value in the common case (no match).
any_secret_pattern := concat("|", [concat("", ["(", pattern, ")"]) | some pattern in secret_patterns])

credential_kinds(key, value, facts) := (pattern_kinds(value) | entropy_kinds(value, facts)) | name_kinds(key, value)

pattern_kinds(value) := {kind | some kind, pattern in secret_patterns; regex.match(pattern, value)} if {
	regex.match(any_secret_pattern, value)
} else := set()

entropy_kinds(value, facts) := {"high-entropy string"} if {
	high_entropy(value, facts)
} else := {"long hex string"} if {
	long_hex(value, facts)
} else := set()

# A value under a name that says it is a credential (DB_PASSWORD, API_TOKEN, STRIPE_KEY, ...).
name_kinds(key, value) := {"a value under a credential name"} if {
	credential_name(key)
	literal_value(value)
} else := set()

# Names of credentials; names of what points at one (a file, a path, a URL, a TTL) are not.
credential_name(key) if {
	regex.match(`(?i)(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|CREDENTIAL|APIKEY|_KEY$|^KEY$)`, key)
	not regex.match(`(?i)_(FILE|PATH|DIR|NAME|URL|URI|ENDPOINT|HOST|TTL|TIMEOUT|SECONDS|LENGTH|ENABLED|HEADER|ID)$`, key)
}

# A value written out: not empty, a ${...} placeholder, a number, a switch, a path or a URL without credentials.
literal_value(value) if {
	value != ""
	not contains(value, "${")
	not regex.match(`^(-?[0-9]+(\.[0-9]+)?|(?i:true|false|yes|no|on|off|none|null|disabled|enabled))$`, value)
	not startswith(value, "/")
	not url_without_credentials(value)
}

# Hex keys and tokens (32 hex digits and more, not a UUID); their entropy stays under 4.0 bits.
long_hex(value, facts) if {
	regex.match(`^[0-9A-Fa-f]{32,}$`, value)
	facts.entropy >= 3.0
}

# A long random-looking token: not a sentence or a list, a ${...} placeholder, a plain URL, a host name or an image.
high_entropy(value, facts) if {
	facts.entropy >= 4.0
	facts.length >= 24
	not regex.match(`[\s,;]`, value)
	not contains(value, "${")
	not url_without_credentials(value)
	not regex.match(`^([a-z0-9-]+\.)+[a-z0-9-]+(:[0-9]{1,5})?$`, value)
	not image_reference(value)
}

# An image reference such as ghcr.io/acme/checkout:1.4.2@sha256:<64 hex>: a digest is no secret.
image_reference(value) if regex.match(`^[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]{1,5})?/[a-z0-9._/-]+(:[A-Za-z0-9._-]{1,128})?(@sha256:[0-9a-f]{64})?$`, value)

url_without_credentials(value) if {
	regex.match(`^[A-Za-z][A-Za-z0-9+.-]*://`, value)
	not regex.match(`^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@`, value)
}

# A URL whose only user information is a short user name (ssh://git@github.com/...), no password.
url_without_credentials(value) if {
	regex.match(`^[A-Za-z][A-Za-z0-9+.-]*://[a-z0-9._-]{1,32}@[^/?#@:]`, value)
}

# SEC005: route hosts lie under the environment domain or one of the team's domains.
deny contains finding if {
	some svc in lib.services
	host := svc.route.host
	domains := allowed_domains(svc)
	not host_under_any(host, domains)
	message := concat("", [
		"route host ", host, " is not under the domains ", svc.team, " may use in environment ",
		lib.environment_name, " (", lib.join(domains), "); use a host ending in .",
		object.get(lib.environment, "domain", "<environment domain>"), " or ask the platform team to add a domain to teams/", svc.team, ".yaml",
	])
	finding := lib.service_finding(svc, "SEC005", message, ["route", "host"])
}

allowed_domains(svc) := {domain |
	team_domains := object.get(object.get(lib.teams, svc.team, {}), "domains", [])
	some domain in array.concat([object.get(lib.environment, "domain", "")], team_domains)
	is_string(domain)
	domain != ""
}

host_under_any(host, domains) if {
	some domain in domains
	host_under(lower(host), lower(domain))
}

host_under(host, domain) if host == domain

host_under(host, domain) if endswith(host, concat("", [".", domain]))
