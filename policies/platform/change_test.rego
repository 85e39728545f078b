package platform.change_test

import data.platform.fixtures_test as fx
import data.platform.main

changed(environment, date, services) := fx.pr_input(environment, [fx.checkout], "alice", date, ["services/checkout/service.yaml"], services)

# CHG001: change freeze

test_chg001_inside_the_window if {
	some f in main.deny with input as changed(fx.prod, "2026-12-22", ["checkout"])
	f == {"rule": "CHG001", "service": "checkout", "path": [], "message": f.message}
	contains(f.message, "year-end freeze")
}

test_chg001_first_and_last_day_included if {
	fx.fired(main.deny, "CHG001", []) with input as changed(fx.prod, "2026-12-20", ["checkout"])
	fx.fired(main.deny, "CHG001", []) with input as changed(fx.prod, "2027-01-04", ["checkout"])
	fx.fired(main.deny, "CHG001", []) with input as changed(fx.prod, "2027-01-04T23:59:00Z", ["checkout"])
}

test_chg001_outside_the_window if {
	fx.quiet(main.deny, "CHG001") with input as changed(fx.prod, "2026-12-19", ["checkout"])
	fx.quiet(main.deny, "CHG001") with input as changed(fx.prod, "2027-01-05", ["checkout"])
}

test_chg001_unchanged_services_or_no_freeze if {
	fx.quiet(main.deny, "CHG001") with input as changed(fx.prod, "2026-12-22", [])
	fx.quiet(main.deny, "CHG001") with input as changed(fx.dev, "2026-12-22", ["checkout"])
	fx.quiet(main.deny, "CHG001") with input as fx.prod_input([fx.checkout])
}
