from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qcity.core.models import OrgUnit

from .choices import (
    CertificationKind,
    EnterpriseAccountRole,
    EnterpriseAccountStatus,
    EnterpriseImportStatus,
    EnterpriseStatus,
    EntityType,
    LicenceKind,
    PhoneVerificationPurpose,
)


class Enterprise(models.Model):
    """A market entity, keyed by its unified social credit code (GB 32100-2015)."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200)
    name_initials = models.CharField(_("名称拼音首字母"), max_length=200, editable=False, db_index=True)
    entity_type = models.CharField(_("主体类型"), max_length=30, choices=EntityType.choices)
    industry_code = models.CharField(_("行业代码"), max_length=5, help_text=_("GB/T 4754-2017"))
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所属区域"), on_delete=models.PROTECT,
                                 related_name="enterprises")
    address = models.CharField(_("住所"), max_length=300, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    registered_capital = models.DecimalField(_("注册资本（万元）"), max_digits=16, decimal_places=2,
                                             null=True, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    status = models.CharField(_("登记状态"), max_length=20, choices=EnterpriseStatus.choices,
                              default=EnterpriseStatus.ACTIVE)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["-id"]
        indexes = [models.Index(fields=["org_unit", "-id"], name="enterprise_org_unit_recent")]
        constraints = [
            models.CheckConstraint(condition=Q(uscc__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                                   name="enterprise_uscc_format"),
            models.CheckConstraint(condition=Q(registered_capital__isnull=True) | Q(registered_capital__gte=0),
                                   name="enterprise_capital_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Licence(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="licences")
    kind = models.CharField(_("许可类别"), max_length=30, choices=LicenceKind.choices)
    number = models.CharField(_("许可证编号"), max_length=50)
    issued_by = models.CharField(_("发证机关"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))

    class Meta:
        verbose_name = _("许可证")
        verbose_name_plural = _("许可证")
        ordering = ["-valid_to"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="licence_unique_number",
                                    violation_error_message=_("该许可证编号已登记")),
            models.CheckConstraint(condition=Q(valid_to__gt=F("valid_from")), name="licence_validity_ordered",
                                   violation_error_message=_("有效期至须晚于有效期起")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Certification(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("认证类别"), max_length=30, choices=CertificationKind.choices)
    certificate_number = models.CharField(_("证书编号"), max_length=60)
    issuer = models.CharField(_("认证机构"), max_length=100, blank=True)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))

    class Meta:
        verbose_name = _("认证")
        verbose_name_plural = _("认证")
        ordering = ["-valid_to"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "certificate_number"], name="certification_unique_number",
                                    violation_error_message=_("该证书编号已登记")),
            models.CheckConstraint(condition=Q(valid_to__gt=F("valid_from")),
                                   name="certification_validity_ordered",
                                   violation_error_message=_("有效期至须晚于有效期起")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.certificate_number}"


class ChiefQualityOfficer(models.Model):
    """首席质量官: the senior manager an enterprise appoints to answer for quality."""

    enterprise = models.OneToOneField(Enterprise, on_delete=models.CASCADE, related_name="chief_quality_officer")
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    appointed_on = models.DateField(_("任命日期"))
    trained = models.BooleanField(_("已参加培训"), default=False)

    class Meta:
        verbose_name = _("首席质量官")
        verbose_name_plural = _("首席质量官")

    def __str__(self) -> str:
        return self.name


class EnterpriseImport(models.Model):
    """One uploaded xlsx file and what became of it: all rows imported, or the bad rows listed."""

    file_name = models.CharField(_("文件名"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=20, choices=EnterpriseImportStatus.choices)
    skip_bad_rows = models.BooleanField(_("跳过错误行"), default=False)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    imported_rows = models.PositiveIntegerField(_("导入行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    stored_file = models.FileField(upload_to="imports/enterprises/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("企业导入")
        verbose_name_plural = _("企业导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def bad_row_count(self) -> int:
        return len({e["row"] for e in self.errors if e.get("row")})


# --- enterprise accounts ---------------------------------------------------------------------------


class EnterpriseAccount(models.Model):
    """A user who acts for an enterprise: its administrator (the first, self-registered account), its chief
    quality officer or a member of staff. The district confirms or revokes it (services in `accounts`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="enterprise_account")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="accounts")
    role = models.CharField(_("企业内角色"), max_length=30, choices=EnterpriseAccountRole.choices)
    status = models.CharField(_("账号状态"), max_length=20, choices=EnterpriseAccountStatus.choices,
                              default=EnterpriseAccountStatus.UNCONFIRMED)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("邀请人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="enterprise_account_status"),
            # the to-do "accounts to confirm" (qcity/enterprises/todos.py): the few of a status, oldest first
            models.Index(fields=["status", "created_at"], name="enterprise_account_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.enterprise}"

    @property
    def is_active(self) -> bool:
        return self.status in (EnterpriseAccountStatus.UNCONFIRMED, EnterpriseAccountStatus.CONFIRMED)


class PhoneVerification(models.Model):
    """One SMS code sent to a mobile number. The code itself is never stored: only its HMAC, keyed with the
    SECRET_KEY and a random per-row salt, so neither the table nor a log reveals it."""

    phone = models.CharField(_("手机号"), max_length=20)
    purpose = models.CharField(_("用途"), max_length=30, choices=PhoneVerificationPurpose.choices)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(_("验证码摘要"), max_length=128)
    salt = models.CharField(max_length=32)
    client_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    consumed_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("手机验证码")
        verbose_name_plural = _("手机验证码")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="phone_verification_recent"),
                   models.Index(fields=["client_ip", "-created_at"], name="phone_verification_by_ip")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.phone[:3]}****{self.phone[-4:]}"


class EnterpriseInvitation(models.Model):
    """An enterprise administrator's invitation of a colleague: a one-time link whose token is stored only as
    its SHA-256, valid for INVITATION_DAYS."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="invitations")
    email = models.EmailField(_("电子邮箱"))
    full_name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("企业内角色"), max_length=30, choices=EnterpriseAccountRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("邀请人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("邀请时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    account = models.OneToOneField(EnterpriseAccount, verbose_name=_("账号"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="invitation")

    class Meta:
        verbose_name = _("企业账号邀请")
        verbose_name_plural = _("企业账号邀请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.enterprise}"
