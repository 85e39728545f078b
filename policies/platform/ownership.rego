# METADATA
# title: Ownership rules (OWN)
# description: |
#   Who may change what, in a pull request (change.author set). Authority comes from the
#   base branch: team membership (change.members) and service owners (change.owners) are
#   as on the merge base, never as the pull request's own files say. Repository-wide: the
#   same findings come out of every environment's evaluation and are de-duplicated by the
#   caller.
package platform.ownership

import data.platform.lib

changed_files := object.get(lib.change, "files", [])

# Team name -> members, as on the base branch; a team the base does not have has none.
base_members(team) := object.get(object.get(lib.change, "members", {}), team, [])

platform_members := base_members("platform")

by_platform if lib.change_author in platform_members

# Service name -> owning team on the base branch (absent for a service the change adds).
base_owners := object.get(lib.change, "owners", {})

# Service name -> the team the head's service file names.
head_teams := object.get(lib.change, "teams", {})

# The service a path belongs to: services/<name>/... or manifests/<env>/<name>/... (not _platform).
service_of(file) := name if {
	parts := split(file, "/")
	parts[0] == "services"
	count(parts) > 2
	name := parts[1]
}

service_of(file) := name if {
	parts := split(file, "/")
	parts[0] == "manifests"
	count(parts) > 3
	name := parts[2]
	name != "_platform"
}

# The team whose review a change of service `name` needs: its owner on the base or,
# for a service the change adds, the team it names (whose members are read from the base).
owner(name) := base_owners[name]

owner(name) := head_teams[name] if not base_owners[name]

# A file that belongs to a service; every other path is platform-owned.
service_owned(file) if owner(service_of(file))

# Services whose metadata.team the change moves to another team.
moved contains name if {
	some name, before in base_owners
	after := head_teams[name]
	after != before
}

# OWN001 (warn): a change of a service's files by someone outside its owning team and platform.
warn contains finding if {
	author := lib.change_author
	not by_platform
	some file in changed_files
	name := service_of(file)
	not name in moved
	team := owner(name)
	not author in base_members(team)
	message := concat("", [
		file, " belongs to service ", name, " of team ", team, ", and ", author,
		" is in neither team ", team, " nor platform (as on the base branch); ask a member of ", team,
		" (", lib.join(base_members(team)), ") to review and approve this change",
	])
	finding := lib.file_finding(file, "OWN001", message, [])
}

# OWN001 (deny): moving a service to another team needs a member of the team that owns it on the base.
deny contains finding if {
	author := lib.change_author
	not by_platform
	some name in moved
	before := base_owners[name]
	not author in base_members(before)
	file := concat("", ["services/", name, "/service.yaml"])
	message := concat("", [
		"service ", name, " moves from team ", before, " to team ", head_teams[name], ", and ", author,
		" is in neither team ", before, " nor platform (as on the base branch); a member of ", before,
		" (", lib.join(base_members(before)), ") or of platform must make this change",
	])
	finding := lib.file_finding(file, "OWN001", message, ["metadata", "team"])
}

# OWN002 (deny): every path that does not belong to a service is changed by the platform team only.
deny contains finding if {
	author := lib.change_author
	not by_platform
	some file in changed_files
	not service_owned(file)
	message := concat("", [
		file, " is owned by the platform team and ", author,
		" is not a member of it on the base branch (teams/platform.yaml);",
		" ask the platform team (", lib.join(platform_members), ") to make or co-author this change",
	])
	finding := lib.file_finding(file, "OWN002", message, [])
}

# Per service, the services it calls on the head but not on the base (in this environment).
new_calls := object.get(lib.change, "newCalls", {})

# OWN003 (warn): a new call into another team's service changes that team's NetworkPolicy.
warn contains finding if {
	author := lib.change_author
	not by_platform
	some svc in lib.services
	added := object.get(new_calls, svc.name, [])
	some i, callee in svc.calls
	callee in added
	team := owner(callee)
	team != owner(svc.name)
	not author in base_members(team)
	message := concat("", [
		svc.name, " now calls ", callee, " of team ", team, ", which lets it in through ", callee,
		"'s NetworkPolicy, and ", author, " is in neither team ", team, " nor platform (as on the base branch);",
		" ask a member of ", team, " (", lib.join(base_members(team)), ") to review and approve this change",
	])
	finding := lib.service_finding(svc, "OWN003", message, ["calls", i])
}
