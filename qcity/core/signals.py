"""Logins and failed logins go to the audit log; a write of org units clears the unit options list filters
keep; and the signal an app listens to for reference data of its own that needs the city's org units.

Django's auth signals are the only hook for these events; every business write is audited by its
service instead.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .audit import audit_record
from .choices import AuditAction
from .models import OrgUnit
from .selectors import org_unit_options_clear

# Sent by `services.reference_data_load` once the city and its units exist (`qcity seed`): an app whose
# shipped data names units (the complaints gazetteer) loads it then, as a fresh install migrates before it
# has any unit.
reference_data_loaded = Signal()


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, by=user, obj=user, message="login")


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, by=user, obj=user, message="logout")


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(action=AuditAction.LOGIN_FAILED, by=None, object_type="core.user", object_repr=username,
                 message=f"failed login for {username!r}")


@receiver([post_save, post_delete], sender=OrgUnit)
def org_units_written(sender, **kwargs):
    org_unit_options_clear()  # the units lists and their filters show are read again
