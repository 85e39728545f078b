# METADATA
# title: Entrypoints
# description: |
#   The two decisions the wasm bundle exports: platform/main/deny and platform/main/warn,
#   each a set of finding objects gathered from the platform.* rule packages.
#   A new rule package must be listed here.
package platform.main

import data.platform.change
import data.platform.cost
import data.platform.network
import data.platform.ownership
import data.platform.reliability
import data.platform.security

# METADATA
# entrypoint: true
# description: Findings that fail the check.
deny contains finding if some finding in security.deny

deny contains finding if some finding in reliability.deny

deny contains finding if some finding in cost.deny

deny contains finding if some finding in ownership.deny

deny contains finding if some finding in change.deny

deny contains finding if some finding in network.deny

# METADATA
# entrypoint: true
# description: Findings reported without failing the check.
warn contains finding if some finding in cost.warn

warn contains finding if some finding in ownership.warn

warn contains finding if some finding in network.warn

warn contains finding if some finding in reliability.warn

# METADATA
# entrypoint: true
# description: |
#   Both sets in one decision, {"deny": [...], "warn": [...]}: one evaluation per
#   environment parses the input once and shares work between deny and warn.
findings := {"deny": deny, "warn": warn}
