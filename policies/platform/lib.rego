# METADATA
# title: Shared helpers
# description: |
#   Accessors for the input (one environment per evaluation), finding constructors,
#   image reference parsing and quantity formatting. Rules in the other platform.*
#   packages use these; nothing here produces findings.
package platform.lib

# The environment being evaluated: name, file, domain, registries, limits, quota, freeze, isProduction.
environment := object.get(input, "environment", {})

# Every service resolved in this environment.
services := object.get(input, "services", [])

# Teams by name: file, members, domains, budget, cost (USD a month across all environments: {min, max}).
teams := object.get(input, "teams", {})

# The pull request being checked: author, base, date, files, changedServices; {} outside a pull request.
change := object.get(input, "change", {})

environment_name := object.get(environment, "name", "?")

# A production environment: prod, or the last one in the promotion order.
is_production if environment.isProduction == true

# Service name -> owning team, built once (O(n)) for lookups by name.
service_teams := {svc.name: svc.team | some svc in services}

# The login of the pull request's author; undefined outside a pull request.
change_author := author if {
	author := change.author
	is_string(author)
	author != ""
}

# The members of a team; [] for an unknown team.
members(team) := object.get(object.get(teams, team, {}), "members", [])

# A finding about a resolved service; path is a key path inside the resolved service.
service_finding(svc, rule, message, path) := {
	"rule": rule,
	"message": message,
	"service": svc.name,
	"path": path,
}

# A finding about a file (relative to the root); path is a key path inside that file, [] for the whole file.
file_finding(file, rule, message, path) := {
	"rule": rule,
	"message": message,
	"file": file,
	"path": path,
}

# The extra containers of a pod, by the field that lists them.
container_fields := ["initContainers", "sidecars"]

# Every image a service runs, with its path: the main image, then each init container's and sidecar's.
images(svc) := array.concat([{"image": svc.image, "path": ["image"]}], [ref |
	some field in container_fields
	some i, container in object.get(svc, field, [])
	ref := {"image": container.image, "path": [field, i, "image"]}
])

# "a, b, c" for a list or set of strings (sorted, so messages are stable).
join(values) := concat(", ", sort(values))

# ---------------------------------------------------------------------------
# Image references: [registry/]repository[:tag][@digest]

# The reference without its digest.
image_name(image) := split(image, "@")[0]

image_has_digest(image) if contains(image, "@")

# A well-formed sha256 digest pins the image to exact bytes.
image_has_sha256_digest(image) if regex.match(`@sha256:[a-f0-9]{64}$`, image)

# The tag: what follows ":" in the last path segment (a ":" earlier is a registry port).
image_tag(image) := tag if {
	segments := split(image_name(image), "/")
	parts := split(segments[count(segments) - 1], ":")
	count(parts) == 2
	tag := parts[1]
}

image_has_tag(image) if image_tag(image)

# Semantic version, optionally with a leading v, a pre-release and build metadata.
semver_pattern := `^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`

image_has_semver_tag(image) if regex.match(semver_pattern, image_tag(image))

# ---------------------------------------------------------------------------
# Quantities. The input carries numbers (CPU in cores, memory in bytes); messages
# show them the way people write them. Only wasm-native builtins are used
# (format_int, concat, round, ...), never sprintf, so opa and the wasm agree.

mib := 1048576

gib := 1073741824

# Cores as an integer number of millicores (0.1 -> 100), exact for comparing sums.
millicores(cores) := round(cores * 1000)

# 4 -> "4", 0.25 -> "250m"
cpu_text(cores) := format_int(cores, 10) if {
	cores == floor(cores)
} else := concat("", [format_int(millicores(cores), 10), "m"])

# Millicores: 40000 -> "40", 1250 -> "1250m"
millicores_text(m) := format_int(m / 1000, 10) if {
	m == floor(m)
	m % 1000 == 0
} else := concat("", [format_int(m, 10), "m"])

# Bytes: 8589934592 -> "8Gi", 268435456 -> "256Mi", otherwise the number of bytes.
memory_text(bytes) := concat("", [format_int(bytes / gib, 10), "Gi"]) if {
	bytes == floor(bytes)
	bytes % gib == 0
} else := concat("", [format_int(bytes / mib, 10), "Mi"]) if {
	bytes == floor(bytes)
	bytes % mib == 0
} else := concat("", [format_int(bytes, 10), " bytes"])

int_text(n) := format_int(n, 10)
