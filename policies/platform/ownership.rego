# METADATA
# title: Ownership rules (OWN)
# description: |
#   Who may change what, in a pull request (change.author set). Repository-wide: the same
#   findings come out of every environment's evaluation and are de-duplicated by the caller.
package platform.ownership

import data.platform.lib

# Folders only the platform team changes.
platform_folders := ["policies/", "schemas/", "environments/", "teams/", "scripts/", ".github/"]

changed_files := object.get(lib.change, "files", [])

platform_members := lib.members("platform")

by_platform if lib.change_author in platform_members

# OWN001 (warn): a change under services/<name>/ by someone outside the service's team and platform.
warn contains finding if {
	author := lib.change_author
	not by_platform
	some file in changed_files
	parts := split(file, "/")
	parts[0] == "services"
	count(parts) > 2
	name := parts[1]
	team := lib.service_teams[name]
	not author in lib.members(team)
	message := concat("", [
		file, " belongs to service ", name, " of team ", team, ", and ", author,
		" is in neither team ", team, " nor platform; ask a member of ", team,
		" (", lib.join(lib.members(team)), ") to review and approve this change",
	])
	finding := lib.file_finding(file, "OWN001", message, [])
}

# OWN002 (deny): platform folders are changed by the platform team only.
deny contains finding if {
	author := lib.change_author
	not by_platform
	some file in changed_files
	some folder in platform_folders
	startswith(file, folder)
	message := concat("", [
		file, " is owned by the platform team and ", author, " is not a member of it (teams/platform.yaml);",
		" ask the platform team (", lib.join(platform_members), ") to make or co-author this change",
	])
	finding := lib.file_finding(file, "OWN002", message, [])
}
