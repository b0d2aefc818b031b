"""Writes for org units, departments, users, roles, the holiday calendar, stored deadlines and legal durations."""

from __future__ import annotations

import functools
import json
import secrets
import string
from datetime import date

from axes.utils import reset as axes_reset
from chinese_calendar import constants
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from gb2260_v2 import GB2260

from . import deadlines, holiday_schedule, workdays
from .access import require_role
from .api_tokens import api_tokens_revoke_all, service_account_of
from .audit import audit_event, audit_record, audit_records_save, changed, snapshot
from .choices import AuditAction, DurationUnit, OrgUnitKind, Role
from .holiday_schedule import ScheduleDay
from .models import (
    DeadlineChange,
    DeadlineRecomputation,
    Department,
    HolidayCalendarDay,
    HolidayCalendarYear,
    LegalDuration,
    OrgUnit,
    RoleAssignment,
    User,
)
from .roles import ADMINS
from .selectors import org_root, org_unit_options_clear
from .signals import reference_data_loaded

# --- org units -----------------------------------------------------------------------------------


def org_unit_create(*, name: str, kind: str, parent: OrgUnit | None, division_code: str | None = None,
                    short_name: str = "", sort_order: int = 0, by: User | None) -> OrgUnit:
    with transaction.atomic():
        _org_unit_place_check(kind=kind, parent=parent)
        unit = OrgUnit(name=name, short_name=short_name or name, kind=kind, parent=parent,
                       division_code=division_code or None, sort_order=sort_order, path="")
        unit.full_clean(exclude=["path"])
        unit.save()
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
        audit_record(action=AuditAction.CREATE, by=by, obj=unit, org_unit=unit, after=snapshot(unit))
    return unit


def _org_unit_place_check(*, kind: str, parent: OrgUnit | None) -> None:
    """One root, a city or a province; a province is only the root and has only cities under it."""
    if parent is None:
        if kind not in (OrgUnitKind.CITY, OrgUnitKind.PROVINCE):
            raise ValidationError({"parent": _("只有省级或市级单元没有上级")})
        if OrgUnit.objects.filter(parent__isnull=True).exists():
            raise ValidationError({"parent": _("已有最上级单元，请选择上级")})
    elif kind == OrgUnitKind.PROVINCE:
        raise ValidationError({"parent": _("省级单元没有上级")})
    elif (parent.kind == OrgUnitKind.PROVINCE) != (kind == OrgUnitKind.CITY):
        raise ValidationError({"parent": _("省下只设市，市只设在省下")})


def province_load(*, by: User | None = None) -> dict[str, int]:
    """Put the city under its province, with the province's other cities and their districts and counties.

    The province and its units are those of GB/T 2260 as the GB2260-v2 library's latest revision lists them
    (a city without districts under the province, such as Jiyuan 济源, becomes a city with none). The city
    the platform already runs keeps its own units (development zones included); its subtree's materialised
    paths get the province in front, so every scope and filter by path carries on. Idempotent: units already
    there (by division code) are left as they are.
    """
    counts = {"org_units": 0}
    with transaction.atomic():
        root = org_root()
        if root.kind == OrgUnitKind.PROVINCE:
            province = root
        else:
            code = f"{(root.division_code or '')[:2]}0000"
            division = _divisions().get(code)
            province = OrgUnit(name=division.name, short_name=division.name.removesuffix("省"),  # i18n-ignore: GB/T 2260 division names
                               kind=OrgUnitKind.PROVINCE, division_code=code, path="")
            province.full_clean(exclude=["path"])
            province.save()
            province.path = f"/{province.pk}/"
            province.save(update_fields=["path"])
            audit_record(action=AuditAction.CREATE, by=by, obj=province, org_unit=province,
                         after=snapshot(province))
            before = snapshot(root)
            OrgUnit.objects.filter(path__startswith=root.path).update(
                path=Concat(Value(province.path[:-1]), F("path")))
            OrgUnit.objects.filter(pk=root.pk).update(parent=province, sort_order=1)
            root.refresh_from_db()
            org_unit_options_clear()  # the paths were rewritten by an UPDATE, which sends no signal
            audit_record(action=AuditAction.UPDATE, by=by, obj=root, org_unit=root, before=before,
                         after=snapshot(root))
            counts["org_units"] += 1
        existing = set(OrgUnit.objects.exclude(division_code=None).values_list("division_code", flat=True))
        # The prefectures, then the county-level cities the province administers itself (省直辖县级行政区划,
        # GB/T 2260 xx9000, such as Jiyuan 济源): each of those is a city without districts here.
        cities = [(prefecture, sorted(_divisions().counties(prefecture.code), key=lambda d: d.code))
                  for prefecture in sorted(_divisions().prefectures(province.division_code), key=lambda d: d.code)]
        cities += [(county, []) for county in _divisions().counties(f"{province.division_code[:2]}9000")]
        for order, (city, counties) in enumerate(cities, start=1):
            if city.code in existing:
                continue
            unit = org_unit_create(name=city.name, short_name=city.name.removesuffix("市"),  # i18n-ignore: GB/T 2260 division names
                                   kind=OrgUnitKind.CITY, division_code=city.code, parent=province,
                                   sort_order=order, by=by)
            counts["org_units"] += 1
            for n, county in enumerate(counties, start=1):
                if county.code not in existing and county.name != "市辖区":  # i18n-ignore: GB/T 2260 division names
                    org_unit_create(name=county.name, kind=_county_kind(county.name),
                                    division_code=county.code, parent=unit, sort_order=n, by=by)
                    counts["org_units"] += 1
    return counts


@functools.cache
def _divisions():
    return GB2260()


def _county_kind(name: str) -> str:
    """GB/T 2260 names a county-level unit by what it is: …区 a district, …县 or …旗 a county, …市 a
    county-level city."""
    if name.endswith("区"):  # i18n-ignore: GB/T 2260 division names
        return OrgUnitKind.DISTRICT
    if name.endswith("市"):  # i18n-ignore: GB/T 2260 division names
        return OrgUnitKind.COUNTY_CITY
    return OrgUnitKind.COUNTY


def department_create(*, code: str, name: str, short_name: str, org_unit: OrgUnit,
                      sort_order: int = 0, by: User | None) -> Department:
    with transaction.atomic():
        dept = Department(code=code, name=name, short_name=short_name, org_unit=org_unit,
                          sort_order=sort_order)
        dept.full_clean()
        dept.save()
        audit_record(action=AuditAction.CREATE, by=by, obj=dept, org_unit=org_unit, after=snapshot(dept))
    return dept


# --- users and roles -----------------------------------------------------------------------------


def user_create(*, username: str, password: str, full_name: str = "", org_unit: OrgUnit | None = None,
                department: Department | None = None, enterprise=None, by: User | None,
                must_change_password: bool | None = None) -> User:
    """Accounts are managed by the system administrator (三员分立: system admin manages accounts).

    The initial password was chosen by someone else, so by default an account an administrator creates
    must change it at first login (等保: the user alone knows their password); the command line decides.
    """
    if by is not None:
        require_role(by, Role.SYSTEM_ADMIN, action="create user")
    if must_change_password is None:
        must_change_password = by is not None
    user = User(username=username, full_name=full_name, org_unit=org_unit, department=department,
                enterprise=enterprise, must_change_password=must_change_password)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        audit_record(action=AuditAction.CREATE, by=by, obj=user, org_unit=org_unit,
                     after={"username": username, "full_name": full_name})
    return user


def role_grant(*, user: User, role: str, org_unit: OrgUnit, by: User | None) -> RoleAssignment:
    """Roles are granted by the security administrator.

    The three administrator roles are separated: an account holds at most one of them and no
    business role beside it, so no administrator can edit business data.
    """
    if by is not None:
        require_role(by, Role.SECURITY_ADMIN, action="grant role")
        if by.pk == user.pk:
            raise ValidationError({"user": _("不能给自己授予角色 (cannot grant a role to yourself)")})
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        if role in ADMINS and held - {role}:
            raise ValidationError({"role": _("管理员角色不能与其他任何角色兼任 (an administrator role excludes every other role)")})
        if role in ADMINS and service_account_of(user) is not None:
            raise ValidationError({"role": _("服务账号只能授予业务角色")})
        # an enterprise's own account (a person or its system) acts for that enterprise only: a staff role
        # would open other enterprises' data to it
        if user.enterprise_id is not None and role != Role.ENTERPRISE_USER:
            raise ValidationError({"role": _("企业账号只能授予企业用户角色")})
        if role not in ADMINS and held & ADMINS:
            raise ValidationError({"role": _("该账号是管理员，不能再授予业务角色 (administrators hold no business role)")})
        assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=org_unit)
        if created:
            audit_record(action=AuditAction.ROLE_GRANT, by=by, obj=user, org_unit=org_unit,
                         message=f"granted {role} over {org_unit}", after={"role": role, "org_unit": org_unit.pk})
    user.__dict__.pop("_qcity_assignments", None)
    return assignment


def role_revoke(*, assignment: RoleAssignment, by: User | None) -> None:
    if by is not None:
        require_role(by, Role.SECURITY_ADMIN, action="revoke role")
    with transaction.atomic():
        audit_record(action=AuditAction.ROLE_REVOKE, by=by, obj=assignment.user, org_unit=assignment.org_unit,
                     before={"role": assignment.role, "org_unit": assignment.org_unit_id})
        assignment.delete()


# --- passwords and login lockouts ----------------------------------------------------------------

_PASSWORD_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, "!#$%&*+-=?@^_")
_UNAMBIGUOUS = str.maketrans("", "", "lIO0o1")


def one_time_password(length: int = 16) -> str:
    """A random password with every character class (it passes CharacterClassValidator), without the
    look-alike characters an administrator would misread when passing it on."""
    alphabets = [c.translate(_UNAMBIGUOUS) for c in _PASSWORD_CLASSES]
    chars = [secrets.choice(a) for a in alphabets]
    chars += [secrets.choice("".join(alphabets)) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def user_password_change(*, user: User, password: str) -> User:
    """The user sets their own password (already validated by the form); a forced change is then done."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(action=AuditAction.PASSWORD_CHANGE, by=user, obj=user, org_unit=user.org_unit,
                     message="password changed by the user")
        api_tokens_revoke_all(user=user, by=user, reason="password changed")
    return user


def user_password_reset(*, user: User, by: User | None) -> str:
    """The system administrator gives a user a random one-time password, shown once and never stored in clear.

    The user must change it at the next login; their sessions end (the password hash changed) and their API
    tokens are revoked, so whoever held the old password is out. Administrators change their own password on
    the change page instead, so no one resets their own account unseen.
    """
    if by is not None:
        require_role(by, Role.SYSTEM_ADMIN, action="reset password")
        if by.pk == user.pk:
            raise ValidationError({"user": _("不能重置自己的密码，请使用“修改密码” (use the change page for your own password)")})
    if not user.is_active:
        raise ValidationError({"user": _("账号已停用，不能重置密码 (the account is inactive)")})
    if service_account_of(user) is not None:
        raise ValidationError({"user": _("服务账号没有密码，只用令牌调用接口")})
    password = one_time_password()
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        tokens = api_tokens_revoke_all(user=user, by=by, reason="password reset")
        audit_record(action=AuditAction.PASSWORD_RESET, by=by, obj=user, org_unit=user.org_unit,
                     message=f"password reset to a one-time password; change required at next login"
                             f"{f'; {tokens} API token(s) revoked' if tokens else ''}")
    return password


def login_lockout_release(*, username: str, ip_address: str | None = None, by: User | None) -> int:
    """The security administrator unlocks a login: one user name at one address, or the user name everywhere
    (which also clears its per-username ceiling). Returns the number of failure records removed."""
    if by is not None:
        require_role(by, Role.SECURITY_ADMIN, action="release login lockout")
    if not username:
        raise ValidationError({"username": _("请指定用户名 (a username is required)")})
    with transaction.atomic():
        removed = axes_reset(ip=ip_address or None, username=username)
        audit_record(action=AuditAction.LOCKOUT_RELEASE, by=by, object_type="core.user", object_repr=username[:200],
                     message=f"login lockout released for {username!r}"
                             + (f" at {ip_address}" if ip_address else " at every address")
                             + f" ({removed} failure records removed)")
    return removed


# --- holiday calendar ----------------------------------------------------------------------------

_LIBRARY_HOLIDAY_NAMES = {  # i18n-ignore: official holiday names, stored as data
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def holiday_calendar_load_from_library(*, by: User | None = None) -> list[int]:
    """Seed the schedule from `chinesecalendar`; rows an administrator entered by hand are kept. Years that
    were provisional until now get their stored deadlines recomputed (after a newer chinesecalendar)."""
    source = "chinesecalendar (国务院办公厅节假日安排)"  # i18n-ignore: stored key of library-loaded rows
    rows: dict[date, tuple[bool, str]] = {}
    for day, holiday in constants.holidays.items():
        rows[day] = (False, _LIBRARY_HOLIDAY_NAMES.get(holiday, holiday))
    for day, holiday in constants.workdays.items():
        rows[day] = (True, f"{_LIBRARY_HOLIDAY_NAMES.get(holiday, holiday)}调休上班")  # i18n-ignore: stored data
    years = sorted({d.year for d in rows} | set(range(min(rows).year, max(rows).year + 1)))
    with transaction.atomic():
        # a year the administrator entered by hand is theirs: the library does not add to it
        by_hand = set(HolidayCalendarYear.objects.exclude(source=source).values_list("year", flat=True))
        existing = set(HolidayCalendarDay.objects.filter(source=source).values_list("date", flat=True))
        added = HolidayCalendarDay.objects.bulk_create(
            [HolidayCalendarDay(date=d, is_workday=w, name=n, source=source)
             for d, (w, n) in sorted(rows.items()) if d.year not in by_hand and d not in existing]
        )
        first_load = not HolidayCalendarYear.objects.exists()
        new_years = [year for year in years if year not in by_hand
                     and HolidayCalendarYear.objects.get_or_create(year=year, defaults={"source": source})[1]]
        if added or new_years:
            audit_record(action=AuditAction.IMPORT, by=by, object_type="core.holidaycalendarday",
                         object_repr=f"holiday schedule {years[0]}–{years[-1]}",
                         message=f"loaded {len(added)} schedule days from chinesecalendar"
                                 + (f"; new years {', '.join(map(str, new_years))}" if new_years else ""))
        workdays.invalidate()
        if not first_load:  # deadlines may have been counted on these years provisionally
            for year in new_years:
                _recompute_on_commit(year, by, _("%(year)s年正式节假日安排已从 chinesecalendar 载入") % {"year": year})
    return years


def holiday_calendar_year_set(*, year: int, days: list[ScheduleDay], source: str, by: User | None,
                              correction: bool = False) -> HolidayCalendarYear:
    """Enter a year's official schedule (holidays and adjusted workdays), replacing its rows, then recompute
    the stored deadlines that count across that year.

    The whole year is checked first (`holiday_schedule.validate`): nothing is written if any line is wrong.
    A year that already has an official schedule is only replaced as an explicit, audited correction.
    The returned year's `written` says whether this call wrote anything: False for the same notice sent
    again (a double click, a resent request), which changes nothing (the API answers 200, not 201).
    """
    if by is not None:
        require_role(by, Role.SYSTEM_ADMIN, action="edit holiday schedule")
    if not isinstance(year, int) or not 1900 < year < 2200:
        raise ValidationError({"year": [_("请填写年份")]})
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": [_("请填写来源（通知文号）")]})
    holiday_schedule.validate(year, days)
    try:
        with transaction.atomic():
            return _holiday_year_write(year, days, source, by, correction)
    except IntegrityError as exc:  # another administrator entered the same year at the same moment
        raise ValidationError({"year": [_("%(year)s年的节假日安排刚被他人录入，请刷新后查看") % {"year": year}]}) from exc


def _holiday_year_write(year: int, days: list[ScheduleDay], source: str, by: User | None,
                        correction: bool) -> HolidayCalendarYear:
    # The year's row is claimed first: a concurrent entry of the same year waits on its unique index, then
    # finds it and is treated as a resend or refused, instead of replacing the schedule a second time.
    cal_year, created = HolidayCalendarYear.objects.get_or_create(year=year, defaults={"source": source[:200]})
    cal_year = HolidayCalendarYear.objects.select_for_update().get(pk=cal_year.pk)
    before = list(HolidayCalendarDay.objects.filter(date__year=year).order_by("date").values_list("date", "is_workday"))
    if not created:
        submitted = sorted((d.date, d.is_workday) for d in days)
        if submitted == before and cal_year.source == source[:200]:
            cal_year.written = False  # the same notice sent again (a double click, a resent request)
            return cal_year
        if not correction:
            raise ValidationError({"year": [_("%(year)s年已有正式节假日安排（来源：%(source)s）；如需更正，请确认“更正已有安排”") % {"year": year, "source": cal_year.source}]})
    HolidayCalendarDay.objects.filter(date__year=year).delete()
    HolidayCalendarDay.objects.bulk_create(
        [HolidayCalendarDay(date=d.date, is_workday=d.is_workday, name=d.name, source=source[:200])
         for d in sorted(days, key=lambda d: d.date)]
    )
    cal_year.source = source[:200]
    cal_year.save(update_fields=["source", "loaded_at"])
    kind = "entered" if created else "corrected"
    audit_record(action=AuditAction.UPDATE if kind == "corrected" else AuditAction.CREATE, by=by, obj=cal_year,
                 before={"days": [[d.isoformat(), w] for d, w in before]} if before else None,
                 after={"days": [[d.date.isoformat(), d.is_workday] for d in days]},
                 message=f"official holiday schedule {year} {kind} ({len(days)} days, source {source})"[:500])
    workdays.invalidate()
    trigger = (_("%(year)s年正式节假日安排已更正（%(source)s）") if kind == "corrected"
               else _("%(year)s年正式节假日安排已录入（%(source)s）")) % {"year": year, "source": source}
    _recompute_on_commit(year, by, trigger)
    cal_year.written = True
    return cal_year


def _recompute_on_commit(year: int, by: User | None, trigger: str) -> None:
    from .tasks import deadlines_recompute_task  # cycle: the task calls deadlines_recompute here

    by_id = by.pk if by is not None else None
    transaction.on_commit(lambda: deadlines_recompute_task.delay(year=year, by_id=by_id, trigger=trigger[:200]))


# --- stored deadlines ----------------------------------------------------------------------------


def deadlines_recompute(*, year: int, by: User | None, trigger: str) -> DeadlineRecomputation:
    """Recompute every stored deadline whose count can cross `year`, after its official schedule changed.

    One query per registered deadline field (`core.deadlines.register`): each row is recomputed from its own
    start date and legal-duration row. Only the deadline and its provisional mark change; a date that moves
    is listed (`DeadlineChange`, old → new) and audited on its object; overdue flags are computed from the
    stored date, so they follow. Safe to run twice: the second run finds nothing to move.
    """
    workdays.invalidate()
    run = DeadlineRecomputation.objects.create(year=year, trigger=trigger[:200], requested_by=by,
                                               started_at=timezone.now())
    checked = moved = confirmed = 0
    with deadlines.memoized():
        for entry in deadlines.registered().values():
            with transaction.atomic():
                changes, updated, audits = [], [], []
                for obj in entry.rows_touching(year).select_for_update(of=("self",)).iterator(chunk_size=2000):
                    old_on, old_year = getattr(obj, entry.field), getattr(obj, entry.provisional_field)
                    new = entry.compute(obj) if old_on is not None else None
                    if new is None:
                        continue
                    checked += 1
                    if (new.on, new.provisional_year) == (old_on, old_year):
                        continue
                    deadlines.assign(obj, entry.field, new)
                    updated.append(obj)
                    if new.on == old_on:
                        confirmed += 1
                        continue
                    moved += 1
                    unit = entry.org_unit_of(obj)
                    changes.append(DeadlineChange(
                        recomputation=run, field=entry.key, field_label=entry.label[:100],
                        object_type=obj._meta.label_lower, object_id=str(obj.pk), object_repr=entry.describe(obj)[:200],
                        object_url=entry.url_of(obj)[:300], org_unit=unit, old_on=old_on, new_on=new.on,
                        old_provisional_year=old_year, new_provisional_year=new.provisional_year))
                    audits.append(audit_event(
                        action=AuditAction.UPDATE, by=by, obj=obj, org_unit=unit,
                        before={entry.field: old_on.isoformat(), entry.provisional_field: old_year},
                        after={entry.field: new.on.isoformat(), entry.provisional_field: new.provisional_year},
                        message=f"{entry.label} recomputed on the {year} holiday schedule: {old_on} → {new.on}"))
                entry.model._default_manager.bulk_update(updated, [entry.field, entry.provisional_field],
                                                         batch_size=1000)
                DeadlineChange.objects.bulk_create(changes, batch_size=1000)
                audit_records_save(audits)
    run.checked, run.moved, run.finished_at = checked, moved, timezone.now()
    with transaction.atomic():
        run.save(update_fields=["checked", "moved", "finished_at"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=run,
                     message=f"deadlines recomputed for {year}: {checked} checked, {moved} moved, "
                             f"{confirmed} confirmed at the same date ({trigger})"[:500])
    return run


# --- legal durations -----------------------------------------------------------------------------


def legal_duration_update(*, duration: LegalDuration, by: User | None, **fields) -> LegalDuration:
    if by is not None:
        require_role(by, Role.SYSTEM_ADMIN, action="edit legal duration")
    before = snapshot(duration)
    for name, value in fields.items():
        setattr(duration, name, value)
    duration.full_clean()
    with transaction.atomic():
        duration.save()
        old, new = changed(before, snapshot(duration))
        audit_record(action=AuditAction.UPDATE, by=by, obj=duration, before=old, after=new)
    return duration


def legal_duration_supersede(*, duration: LegalDuration, effective_from: date, value: int, unit: str,
                             legal_source: str, confirmed: bool = False, by: User | None) -> LegalDuration:
    """A regulation changed: close the old row the day before and add the new one."""
    if unit not in DurationUnit.values:
        raise ValidationError({"unit": f"unknown unit {unit}"})
    with transaction.atomic():
        legal_duration_update(duration=duration, effective_to=effective_from, by=by)
        new = LegalDuration(code=duration.code, name=duration.name, value=value, unit=unit,
                            legal_source=legal_source, confirmed=confirmed, effective_from=effective_from)
        new.full_clean()
        new.save()
        audit_record(action=AuditAction.CREATE, by=by, obj=new, after=snapshot(new))
    return new


# --- reference data that ships with the platform -------------------------------------------------

_DATA_DIR = __import__("pathlib").Path(__file__).resolve().parent / "data"


def reference_data_load(*, by: User | None = None) -> dict[str, int]:
    """Load the demo city (Zhengzhou, GB/T 2260), its member departments, the holiday schedule and
    the legal durations. Idempotent: rows that exist are left as an administrator may have edited them."""
    city_data = json.loads((_DATA_DIR / "zhengzhou.json").read_text("utf-8"))
    durations = json.loads((_DATA_DIR / "legal_durations.json").read_text("utf-8"))
    counts = {"org_units": 0, "departments": 0, "legal_durations": 0}
    with transaction.atomic():
        c = city_data["city"]
        city = OrgUnit.objects.filter(division_code=c["division_code"]).first()
        if city is None:
            city = org_unit_create(name=c["name"], short_name=c["short_name"], kind=OrgUnitKind.CITY,
                                   division_code=c["division_code"], parent=None, by=by)
            counts["org_units"] += 1
        for order, u in enumerate(city_data["units"], start=1):
            if not OrgUnit.objects.filter(parent=city, name=u["name"]).exists():
                org_unit_create(name=u["name"], short_name=u.get("short_name", ""), kind=u["kind"],
                                division_code=u.get("division_code"), parent=city, sort_order=order, by=by)
                counts["org_units"] += 1
        for order, (code, name, short) in enumerate(city_data["departments"], start=1):
            if not Department.objects.filter(code=code).exists():
                department_create(code=code, name=name, short_name=short, org_unit=city,
                                  sort_order=order, by=by)
                counts["departments"] += 1
        for row in durations:
            _, created = LegalDuration.objects.get_or_create(
                code=row["code"], effective_from=date.fromisoformat(row["effective_from"]),
                defaults={
                    "name": row["name"], "value": row["value"], "unit": row["unit"],
                    "legal_source": row["legal_source"], "confirmed": row["confirmed"],
                    "effective_to": date.fromisoformat(row["effective_to"]) if row.get("effective_to") else None,
                },
            )
            counts["legal_durations"] += created
        holiday_calendar_load_from_library(by=by)  # adds only years a newer chinesecalendar brings
        reference_data_loaded.send(sender=OrgUnit)
    return counts
