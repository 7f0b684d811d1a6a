"""What the demo data set holds, as plain values: the people, the reference data, the
business calendars and SLA policies, the cases and how each went. The loaders in the
sibling modules turn these into calls of the use-cases."""

from __future__ import annotations

from datetime import date

CORPORATION = "Demo Corp"
PREFIX = "TCK-"
ADMIN_EMAIL = "admin@demo.casedesk.test"
ADMIN_PASSWORD = "demo-admin-pw"
AGENT_PASSWORD = "demo-agent-pw"
#: The demo contact who can sign in to the customer portal, and their password.
PORTAL_EMAIL = "ann.lee@northwind.example"
PORTAL_PASSWORD = "demo-portal-pw"

#: email, name, groups
AGENTS = (
    ("sam@demo.casedesk.test", "Sam Rivera", ["Service Desk"]),
    ("priya@demo.casedesk.test", "Priya Natarajan", ["Network", "Service Desk"]),
)
CATEGORY_TREE = {"Hardware": ["Laptop", "Printer"], "Software": ["Email", "VPN"], "Access": []}
#: name, group
QUEUES = (("First line", "Service Desk"), ("Network operations", "Network"))
ORGANIZATIONS = (
    ("Northwind Traders", ["northwind.example"]),
    ("Contoso Ltd", ["contoso.example", "contoso-labs.example"]),
    ("Fabrikam Inc", ["fabrikam.example"]),
)
# fmt: off
#: key, first, last, title, department, location, organization, email, phone
CONTACTS = (
    ("ann", "Ann", "Lee", "Finance Manager", "Finance", "Seattle", "Northwind Traders",
     "ann.lee@northwind.example", "+1 206 555 0142"),
    ("omar", "Omar", "Haddad", "Warehouse Lead", "Logistics", "Tacoma", "Northwind Traders",
     "omar.haddad@northwind.example", "+1 253 555 0117"),
    ("julia", "Julia", "Berg", "Research Scientist", "R&D", "Oslo", "Contoso Ltd",
     "julia.berg@contoso-labs.example", "+47 21 55 01 23"),
    ("ken", "Ken", "Tanaka", "Office Manager", "Administration", "Osaka", "Contoso Ltd",
     "ken.tanaka@contoso.example", "+81 6 5550 1234"),
    ("maria", "María", "García", "Sales Director", "Sales", "Madrid", "Fabrikam Inc",
     "maria.garcia@fabrikam.example", "+34 91 555 0199"),
    ("li", "Li", "Wei", "Accountant", "Finance", "Singapore", "Fabrikam Inc",
     "li.wei@fabrikam.example", "+65 5550 1188"),
)
#: key, name, kind, serial, organization, notes
ASSETS = (
    ("ann-laptop", "Ann Lee's laptop", "laptop", "NW-LT-0142", "Northwind Traders",
     "ThinkPad T14 Gen 4"),
    ("nw-printer", "Warehouse printer", "printer", "NW-PR-0007", "Northwind Traders",
     "HP LaserJet M507, loading dock"),
    ("ct-gateway", "Lab VPN gateway", "network", "CT-FW-0001", "Contoso Ltd", "FortiGate 60F"),
    ("ct-reception", "Reception PC", "desktop", "CT-PC-0033", "Contoso Ltd", ""),
    ("fb-laptop", "Sales laptop #3", "laptop", "FB-LT-0303", "Fabrikam Inc", "MacBook Air M2"),
)

#: title, category, contact, asset (or ""), tags, how it went
CaseSpec = tuple[str, str, str, str, list[str], str]
CASES: tuple[CaseSpec, ...] = (
    ("Laptop will not boot after update", "Laptop", "ann", "ann-laptop", ["hardware"], "closed"),
    ("Cannot connect to VPN from home", "VPN", "julia", "", ["vpn"], "progress"),
    ("Printer jams on every second page", "Printer", "omar", "nw-printer", ["hardware"], "vendor"),
    ("New starter needs an account", "Access", "ken", "", ["onboarding"], "closed"),
    ("Outlook keeps asking for the password", "Email", "maria", "", ["vip"], "awaiting"),
    ("VPN drops every few minutes", "VPN", "julia", "ct-gateway", ["vpn", "outage"], "progress"),
    ("Shared mailbox missing in Outlook", "Email", "li", "", [], "open"),
    ("Laptop battery drains in an hour", "Laptop", "maria", "fb-laptop", ["hardware", "vip"],
     "hold"),
    ("Access to the finance share", "Access", "ann", "", [], "closed"),
    ("Printer shows offline for everyone", "Printer", "omar", "nw-printer", ["outage"], "closed"),
    ("Email to customers bounces", "Email", "maria", "", ["outage", "vip"], "progress"),
    ("Reception PC very slow", "Hardware", "ken", "ct-reception", [], "awaiting"),
    ("Request for a second monitor", "Hardware", "li", "", [], "open"),
    ("VPN certificate expired", "VPN", "julia", "ct-gateway", ["vpn"], "closed"),
    ("Password reset for the ERP", "Access", "omar", "", [], "closed"),
    ("Calendar invites arrive twice", "Email", "ken", "", [], "awaiting"),
    ("Laptop keyboard missing keys", "Laptop", "ann", "ann-laptop", ["hardware"], "vendor"),
    ("Cannot print to A3", "Printer", "omar", "nw-printer", [], "open"),
    ("Statistics package needs installing", "Software", "julia", "", [], "progress"),
    ("Account locked after holiday", "Access", "li", "", [], "closed"),
    ("Out-of-office reply not working", "Email", "maria", "", [], "closed"),
    ("VPN slow for the Oslo office", "VPN", "julia", "", ["vpn"], "hold"),
    ("Laptop for new sales hire", "Laptop", "maria", "", ["onboarding"], "progress"),
    ("Scanner sends empty PDFs", "Printer", "ken", "", [], "awaiting"),
    ("Phishing email received", "Email", "ann", "", ["security"], "closed"),
    ("Remove access for a leaver", "Access", "ken", "", ["offboarding"], "open"),
    ("Excel crashes when opening macros", "Software", "li", "", [], "progress"),
    ("Wi-Fi drops in meeting room 2", "Hardware", "omar", "", [], "open"),
    ("Mailbox almost full", "Email", "ann", "", [], "closed"),
    ("VPN client will not install on macOS", "VPN", "maria", "fb-laptop", ["vpn", "vip"],
     "awaiting"),
    ("Docking station not detected", "Laptop", "li", "", ["hardware"], "open"),
    ("Toner low on warehouse printer", "Printer", "omar", "nw-printer", [], "closed"),
    ("MFA phone replaced", "Access", "julia", "", ["security"], "closed"),
    ("Teams notifications missing", "Software", "ken", "", [], "open"),
    ("CRM licence for a contractor", "Software", "maria", "", [], "vendor"),
    ("Laptop fan is loud", "Laptop", "ann", "ann-laptop", ["hardware"], "open"),
    ("Cheap watches at unbeatable prices!!!", "Email", "", "", [], "spam"),
    ("VPN keeps disconnecting (again)", "VPN", "julia", "", ["vpn"], "merged"),
    ("Browser shows certificate warnings", "Software", "li", "", ["security"], "progress"),
    ("Shared drive mapped to the wrong letter", "Access", "ken", "", [], "closed"),
)
# fmt: on
#: The case a "merged" demo case is merged into.
MERGE_TARGET = "VPN drops every few minutes"


def calendars(year: int) -> tuple[tuple[str, str, dict[str, list[list[str]]], list[date]], ...]:
    """name, time zone, office hours per weekday (0 = Monday), holidays: the offices'
    calendars, with this year's and next year's public holidays."""
    weekdays = [str(d) for d in range(5)]
    return (
        (
            "Seattle office",
            "America/Los_Angeles",
            {d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in weekdays},
            [date(y, m, d) for y in (year, year + 1) for m, d in ((1, 1), (7, 4), (12, 25))],
        ),
        (
            "Oslo office",
            "Europe/Oslo",
            {d: [["08:00", "16:00"]] for d in weekdays},
            [date(y, m, d) for y in (year, year + 1) for m, d in ((1, 1), (5, 1), (5, 17))],
        ),
    )


#: priority -> the calendar its SLA clocks count in ("" = around the clock)
PRIORITY_CALENDARS = {
    "Low": "Seattle office",
    "Medium": "Seattle office",
    "High": "Seattle office",
    "Critical": "",
}
#: name, priority, organization, first response, next response, resolution (minutes)
SlaSpec = tuple[str, str, str, int, int | None, int]
SLA_POLICIES: tuple[SlaSpec, ...] = (
    ("Standard", "", "", 240, 480, 4800),
    ("Critical, around the clock", "Critical", "", 60, 120, 480),
    ("Fabrikam contract", "", "Fabrikam Inc", 120, 240, 2400),
)

# fmt: off
#: Cases opened shortly before the demo is loaded, so that it always shows an SLA at
#: each stage: title, category, contact, asset, tags, minutes since opened, minutes to
#: the first reply. Critical cases count around the clock (8 hours to resolve), so
#: their state does not depend on the hour or day the demo is loaded.
LiveSpec = tuple[str, str, str, str, list[str], int, int]
LIVE_CASES: tuple[LiveSpec, ...] = (
    # 40 of 480 minutes used: on time
    ("Shared calendar will not load", "Software", "ken", "", ["outage"], 40, 10),
    # 420 of 480 minutes used: due within the hour
    ("Warehouse scanners cannot reach the server", "Hardware", "omar", "", ["outage"], 420, 20),
    # 600 of 480 minutes used: breached two hours ago
    ("Finance cannot reach the bank portal", "Access", "ann", "", ["outage"], 600, 30),
)
# fmt: on

#: The case template and the weekly schedule that opens a case from it.
TEMPLATE = "Weekly backup check"
SCHEDULE = "Every Monday: backup check"
TEMPLATE_DESCRIPTION = (
    "Check last week's backup reports for every office and restore one file as a test. "
    "Note the result here and close the case."
)
