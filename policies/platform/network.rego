# METADATA
# title: Network rules (NET)
# description: |
#   Egress outside the cluster and public endpoints (LoadBalancer Services). A NetworkPolicy matches addresses,
#   not names: host entries are rendered as their ports to every public IPv4 address.
package platform.network

import data.platform.lib

# NET001: egress to every address (a /0 CIDR) needs an exception in production; elsewhere a warning.
deny contains finding if {
	lib.is_production
	some finding in open_egress
}

warn contains finding if {
	not lib.is_production
	some finding in open_egress
}

open_egress contains finding if {
	some svc in lib.services
	some i, rule in object.get(svc, "egress", [])
	endswith(object.get(rule, "cidr", ""), "/0")
	message := concat("", [
		"egress to ", rule.cidr, " opens ports ", ports_text(rule.ports), " to every address, in the cluster and outside;",
		" name the hosts (host:) or the narrowest CIDR, or ask the platform team for an exception for NET001",
	])
	finding := lib.service_finding(svc, "NET001", message, ["egress", i, "cidr"])
}

# NET002: in production, say what a host entry really opens.
warn contains finding if {
	lib.is_production
	some svc in lib.services
	some i, rule in object.get(svc, "egress", [])
	host := rule.host
	message := concat("", [
		"egress to ", host, " is rendered as ports ", ports_text(rule.ports), " to every public IPv4 address",
		" (a NetworkPolicy cannot match host names); where the host has fixed addresses, list them as cidr: instead",
	])
	finding := lib.service_finding(svc, "NET002", message, ["egress", i, "host"])
}

ports_text(ports) := concat(", ", [format_int(p, 10) | some p in ports])

# NET003: a LoadBalancer Service is a public address past the ingress controller or gateway:
# it needs an exception in production; elsewhere a warning.
deny contains finding if {
	lib.is_production
	some finding in load_balancers
}

warn contains finding if {
	not lib.is_production
	some finding in load_balancers
}

load_balancers contains finding if {
	some svc in lib.services
	svc.expose == "loadBalancer"
	message := concat("", [
		"expose: loadBalancer gives ", svc.name, " a public address on every Service port,",
		" past the ingress controller or gateway (no host name, no TLS, open to anyone);",
		" use route: where HTTP will do, or ask the platform team for an exception for NET003",
	])
	finding := lib.service_finding(svc, "NET003", message, ["expose"])
}
