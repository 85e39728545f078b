# METADATA
# title: Change management rules (CHG)
# description: Change freeze windows of an environment.
package platform.change

import data.platform.lib

# CHG001: no change to a service's settings in this environment inside a freeze window (both days included).
deny contains finding if {
	date := substring(lib.change.date, 0, 10)
	some window in object.get(lib.environment, "freeze", [])
	window.from <= date
	date <= window.to
	some name in object.get(lib.change, "changedServices", [])
	finding := {
		"rule": "CHG001",
		"message": concat("", [
			"service ", name, " changes in environment ", lib.environment_name, " on ", date,
			", inside the change freeze from ", window.from, " to ", window.to, " (",
			object.get(window, "reason", "no reason given"), "); merge after ", window.to,
			", or for an urgent fix ask the platform team for an exception in policies/exceptions.yaml",
		]),
		"service": name,
		"path": [],
	}
}
