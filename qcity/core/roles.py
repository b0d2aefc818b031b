"""The named role groups: who may open a page, call an endpoint or run a service.

Each group is defined here once and imported everywhere else, so a group has one name and one
member list (`test_permission_rules` fails on a role group defined anywhere else, or on two names
for the same set). Scope by org unit is applied on top of these by `qcity.core.access`.
"""

from .choices import Role

# Every role, the separated administrators included: reference data that everyone may read.
EVERYONE = frozenset(Role)
# The three separated administrators (三员): system, security and audit.
ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Everyone doing the programme's business: every role except the separated administrators.
BUSINESS = EVERYONE - ADMINS
# Government staff: the business roles without the enterprise users.
STAFF = BUSINESS - {Role.ENTERPRISE_USER}
# Staff plus the separated administrators: everyone but the enterprise users, who see only their enterprise's
# pages (the platform's reference tables — org units, departments, legal durations, holidays — are internal).
STAFF_AND_ADMINS = STAFF | ADMINS
# Staff plus the system administrator, who enters the holiday schedule that moves their deadlines.
STAFF_AND_SYSTEM_ADMIN = STAFF | {Role.SYSTEM_ADMIN}
# The leadership office (质量强市办) alone: plans, approvals, assessment schemes, reports.
OFFICE = frozenset({Role.LEADERSHIP_OFFICE})
# Those who run the programme: the office, the member departments and the districts.
PROGRAMME = frozenset({Role.LEADERSHIP_OFFICE, Role.DEPARTMENT_REPORTER, Role.DISTRICT_OFFICER})
# Market-regulation managers: the office city-wide, district officers in their unit (plans, draws).
MARKET_MANAGERS = frozenset({Role.LEADERSHIP_OFFICE, Role.DISTRICT_OFFICER})
# Market-regulation officers: the managers plus the inspectors (credit, inspections, sampling, registry).
MARKET_OFFICERS = MARKET_MANAGERS | {Role.INSPECTOR}
# Market officers plus enterprise users, who see their own credit file and their own samples.
MARKET_OFFICERS_AND_ENTERPRISES = MARKET_OFFICERS | {Role.ENTERPRISE_USER}
# Market managers plus the audit administrator: pool snapshots reveal risk classes (internal, DOMAIN §3).
MARKET_MANAGERS_AND_AUDITOR = MARKET_MANAGERS | {Role.AUDIT_ADMIN}
# Market officers plus the audit administrator, who may re-check a published draw.
MARKET_OFFICERS_AND_AUDITOR = MARKET_OFFICERS | {Role.AUDIT_ADMIN}
# Those who handle complaints and reports (12315) in their unit and see the complainant's personal data: the
# complaint handlers, the district officers over them and the office city-wide (DOMAIN §9).
COMPLAINT_HANDLERS = frozenset({Role.COMPLAINT_HANDLER, Role.DISTRICT_OFFICER, Role.LEADERSHIP_OFFICE})
# Complaint handlers plus the enterprise users, who answer the complaints sent to them for direct settlement.
COMPLAINT_HANDLERS_AND_ENTERPRISES = COMPLAINT_HANDLERS | {Role.ENTERPRISE_USER}
