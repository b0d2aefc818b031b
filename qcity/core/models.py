from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from .choices import (
    AuditAction,
    DeliveryStatus,
    DurationUnit,
    ExportJobStatus,
    NotificationChannel,
    NotificationKind,
    OrgUnitKind,
    Role,
)
from .roles import ADMINS


class ReferenceQuerySet(models.QuerySet):
    """Rows of a small reference table (org units, departments), read in one query even where Django iterates
    them (a form's choices): `iterator()` streams through a server-side cursor on PostgreSQL, three round trips
    (DECLARE, FETCH, CLOSE) for a few dozen rows on every page with a filter."""

    def iterator(self, chunk_size=None):
        return iter(self._chain())


class OrgUnit(models.Model):
    """City → districts / counties / county-level cities (GB/T 2260) and development zones.

    Development zones have no GB/T 2260 code of their own; they hang under the city. `path` is a
    materialised path of ids ("/1/5/") so a subtree is one indexed prefix query.
    """

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=OrgUnitKind.choices)
    division_code = models.CharField(
        _("行政区划代码"), max_length=6, null=True, blank=True, unique=True, help_text=_("GB/T 2260")
    )
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政单元")
        verbose_name_plural = _("行政单元")
        ordering = ["path", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unit_unique_name_per_parent"),
            models.CheckConstraint(
                condition=Q(division_code__isnull=True) | Q(division_code__regex=r"^[0-9]{6}$"),
                name="org_unit_division_code_six_digits",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrgUnitKind.DEVELOPMENT_ZONE) | Q(division_code__isnull=True),
                name="org_unit_zone_has_no_division_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A member unit (成员单位) of the leadership group, e.g. the municipal market regulation bureau."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属行政单元"), on_delete=models.PROTECT,
                                 related_name="departments")
    is_member_unit = models.BooleanField(_("领导小组成员单位"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属行政单元"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="users")
    department = models.ForeignKey(Department, verbose_name=_("所属部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="users")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("所属企业"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="users")
    # Set when someone else chose the password (an administrator's reset, a demo account): the user must
    # change it before using the system (PasswordChangeRequiredMiddleware).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user over an org unit and its subtree.

    The three administrator roles are separated (三员分立): the partial unique constraint lets a user
    hold at most one of them, and services refuse to combine one with any business role.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("管辖范围"), on_delete=models.PROTECT,
                                 related_name="role_assignments")
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授予")
        verbose_name_plural = _("角色授予")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org_unit"], name="role_assignment_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role__in=sorted(ADMINS)),
                name="role_assignment_one_admin_role_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org_unit}"


class AuditEvent(models.Model):
    """Append-only record of a write. Database triggers (see migration 0002) refuse UPDATE and DELETE."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    source_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=20, blank=True, help_text=_("web / api / job / cli"))
    action = models.CharField(_("动作"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=60, db_index=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("行政单元"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    message = models.CharField(_("说明"), max_length=500, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"


class HolidayCalendarYear(models.Model):
    """A year for which the official holiday schedule (国务院办公厅放假安排) is known.

    Working-day arithmetic refuses any date in a year without a row here, rather than guessing.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=200)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class HolidayCalendarDay(models.Model):
    """An exception to Mon–Fri working: a statutory holiday on a weekday, or an adjusted working weekend."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=200)

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {_('上班') if self.is_workday else _('休息')} {self.name}"


class LegalDuration(models.Model):
    """A statutory time limit as data: value, unit, legal source and the period it is in force."""

    code = models.SlugField(_("代码"), max_length=80)
    name = models.CharField(_("名称"), max_length=200)
    value = models.PositiveIntegerField(_("数值"))
    unit = models.CharField(_("单位"), max_length=20, choices=DurationUnit.choices)
    legal_source = models.CharField(_("法律依据"), max_length=300)
    confirmed = models.BooleanField(_("已核实"), default=False,
                                    help_text=_("已与法规原文核对；未核实的期限应在上线前核对"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("法定期限")
        verbose_name_plural = _("法定期限")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="legal_duration_unique_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=models.F("effective_from")),
                name="legal_duration_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.value} {self.get_unit_display()}"


class DeadlineRecomputation(models.Model):
    """One run of the recomputation of stored deadlines after a year's official holiday schedule was entered
    (or corrected): which deadlines it checked and how many moved. The moved ones are its `changes`."""

    year = models.PositiveSmallIntegerField(_("节假日安排年度"))
    trigger = models.CharField(_("起因"), max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    checked = models.PositiveIntegerField(_("复核期限数"), default=0)
    moved = models.PositiveIntegerField(_("变动期限数"), default=0)

    class Meta:
        verbose_name = _("期限重算")
        verbose_name_plural = _("期限重算")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.year} {self.started_at:%Y-%m-%d %H:%M}"


class DeadlineChange(models.Model):
    """A stored deadline that a recomputation moved (or confirmed at a new date): object, old → new."""

    recomputation = models.ForeignKey(DeadlineRecomputation, verbose_name=_("期限重算"), on_delete=models.CASCADE,
                                      related_name="changes")
    field = models.CharField(_("期限字段"), max_length=100, help_text=_("app.model.field"))
    field_label = models.CharField(_("期限"), max_length=100)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象标识"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    object_url = models.CharField(_("链接"), max_length=300, blank=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("行政单元"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    old_on = models.DateField(_("原期限"))
    new_on = models.DateField(_("新期限"))
    old_provisional_year = models.PositiveSmallIntegerField(_("原暂定依据年度"), null=True, blank=True)
    new_provisional_year = models.PositiveSmallIntegerField(_("新暂定依据年度"), null=True, blank=True)

    class Meta:
        verbose_name = _("期限变动")
        verbose_name_plural = _("期限变动")
        ordering = ["new_on", "id"]
        indexes = [models.Index(fields=["org_unit", "recomputation"], name="deadline_change_unit")]

    def __str__(self) -> str:
        return f"{self.object_repr} {self.field_label}: {self.old_on} → {self.new_on}"


class IdempotencyRecord(models.Model):
    """One use of an Idempotency-Key (API) or a one-time form token (pages), and the answer it got.

    The unique (user, key) row is the lock: the first request inserts it before the view runs, so a
    repeat or a concurrent twin finds it and is answered from it instead of writing a second record
    (qcity/core/idempotency.py). `status_code` is empty while the first request is still running.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(_("幂等键"), max_length=255)
    method = models.CharField(_("请求方法"), max_length=10)
    path = models.CharField(_("请求路径"), max_length=2000)
    request_hash = models.CharField(_("请求摘要"), max_length=64, help_text=_("SHA-256 of the request body"))
    status_code = models.PositiveSmallIntegerField(_("响应状态"), null=True, blank=True)
    response_headers = models.JSONField(_("响应头"), default=dict, blank=True)
    response_body = models.BinaryField(_("响应内容"), blank=True, default=b"")
    created_at = models.DateTimeField(_("创建时间"), db_index=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("幂等请求记录")
        verbose_name_plural = _("幂等请求记录")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_record_unique_user_key"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key} {self.method} {self.path}"


class Notification(models.Model):
    """A message to one user in the in-app message centre. `read_at` is the proof that it was read (送达);
    `key` names what it is about, so the same event notifies a user once however often it is raised."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("类别"), max_length=30, choices=NotificationKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    key = models.CharField(_("事由标识"), max_length=200)
    created_at = models.DateTimeField(_("发出时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(models.Model):
    """One message sent on one outside channel (e-mail, SMS), by a background job with retries. A delivery
    that still fails is kept as failed, visible to the system administrator, never dropped."""

    notification = models.ForeignKey(Notification, verbose_name=_("消息"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=NotificationChannel.choices)
    address = models.CharField(_("地址"), max_length=254)
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最后错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)  # when SENDING began

    class Meta:
        verbose_name = _("消息投递")
        verbose_name_plural = _("消息投递")
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status")]

    def __str__(self) -> str:
        return f"{self.notification} · {self.get_channel_display()} · {self.get_status_display()}"


class NotificationPreference(models.Model):
    """The outside channels a user wants for one kind of message; without a row the kind's default applies
    (`qcity.core.notifications.DEFAULT_CHANNELS`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("类别"), max_length=30, choices=NotificationKind.choices)
    email = models.BooleanField(_("电子邮件"), default=False)
    sms = models.BooleanField(_("短信"), default=False)

    class Meta:
        verbose_name = _("消息订阅")
        verbose_name_plural = _("消息订阅")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox, swapped in by `KNOX_TOKEN_MODEL`): only the SHA-512 digest of the key
    and its first 15 characters (`token_key`, shown as the prefix) are stored, so a database dump yields no
    usable key. A personal token acts with its user's roles; a service account's token also obeys the
    account's endpoints and rate. Revoking deletes the row (knox's way); the audit log keeps the trail."""

    id = models.BigAutoField(primary_key=True)  # knox keys on the digest; pages and URLs use this id instead
    digest = models.CharField(max_length=128, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    # SHA-256 of the Idempotency-Key of an API create: a repeat finds the token instead of making a second
    # one (the key itself is shown once, so the answer cannot be replayed from the idempotency table).
    request_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "request_key"], condition=~Q(request_key=""),
                                    name="api_token_once_per_request_key"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key[:8]}…)"


class ServiceAccount(models.Model):
    """A system-to-system client (a department's data feed, a supplier's trace system): a user without a
    password, who calls the API only with tokens, only under `allowed_paths`, at most `rate` calls. Its data
    scope is its role assignments (granted by the security administrator like any user's) and its enterprise."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                                related_name="service_account")
    purpose = models.CharField(_("用途"), max_length=200)
    allowed_paths = models.JSONField(_("可调用的接口"), default=list,
                                     help_text=_("接口路径前缀，如 /api/reported-values/"))
    rate = models.CharField(_("调用频率上限"), max_length=20, default="120/min",
                            help_text=_("如 120/min、5000/hour、10000/day"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务账号")
        verbose_name_plural = _("服务账号")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)


class ExportJob(models.Model):
    """A list export too large to build while the user waits (`core.export_jobs`): the list's URL and filters
    and who asked are stored, not the rows; the worker opens the list again as that user and keeps the file
    for them alone. At most one job per (user, list, filters) is queued or running (a double click joins it)."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE,
                                     related_name="+")
    path = models.CharField(_("列表地址"), max_length=500)
    query = models.TextField(_("筛选条件"), blank=True)  # the list's query string, with export=xlsx
    key = models.CharField(max_length=64)  # SHA-256 of path and query: the list and filters a double click repeats
    host = models.CharField(max_length=255, blank=True)  # the Host the list was asked on (the rebuilt request's)
    language = models.CharField(max_length=16, blank=True)  # the headings are in the asker's language
    what = models.CharField(_("导出内容"), max_length=200)
    object_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ExportJobStatus.choices,
                              default=ExportJobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    file = models.FileField(_("文件"), upload_to="exports/%Y/", blank=True)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    error = models.TextField(_("错误"), blank=True)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台导出")
        verbose_name_plural = _("后台导出")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="export_job_user_idx")]
        constraints = [
            models.UniqueConstraint(fields=["requested_by", "key"],
                                    condition=Q(status__in=["queued", "running"]), name="export_job_one_pending"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_job_progress_max"),
        ]

    def __str__(self) -> str:
        return f"{self.what} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status in (ExportJobStatus.QUEUED, ExportJobStatus.RUNNING)
