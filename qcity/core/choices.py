from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnitKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("市辖区")
    COUNTY_CITY = "county_city", _("县级市")
    COUNTY = "county", _("县")
    DEVELOPMENT_ZONE = "development_zone", _("开发区")


class Role(models.TextChoices):
    """Roles. The first three are the separated administrators (三员): system, security, audit."""

    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    LEADERSHIP_OFFICE = "leadership_office", _("质量强市办")
    DEPARTMENT_REPORTER = "department_reporter", _("部门填报员")
    DISTRICT_OFFICER = "district_officer", _("区县工作人员")
    INSPECTOR = "inspector", _("执法检查人员")
    COMPLAINT_HANDLER = "complaint_handler", _("投诉处理人员")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    DENIED = "denied", _("越权拒绝")
    ROLE_GRANT = "role_grant", _("授予角色")
    ROLE_REVOKE = "role_revoke", _("撤销角色")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    LOCKOUT_RELEASE = "lockout_release", _("解除登录锁定")


class DurationUnit(models.TextChoices):
    NATURAL_DAYS = "natural_days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")
    MONTHS = "months", _("月")
    YEARS = "years", _("年")


class NotificationKind(models.TextChoices):
    """What a message is about; each user chooses the channels per kind (in-app is always on)."""

    DEADLINE_SOON = "deadline_soon", _("期限临近")
    DEADLINE_OVERDUE = "deadline_overdue", _("已逾期")
    VALUE_RETURNED = "value_returned", _("填报被退回")
    ASSIGNMENT = "assignment", _("任务分派")
    DECISION = "decision", _("异议与修复决定")
    SAMPLING_RESULT_SERVED = "sampling_result_served", _("抽检结果送达")
    ACCOUNT = "account", _("账号与邀请")


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")  # claimed by one sender (a stale claim is released by the sweep)
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class ExportJobStatus(models.TextChoices):
    """A large list export built in the background (`core.export_jobs`): the states of the reports' generated
    documents (`reports.GeneratedDocumentStatus`, same values), named for an export."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导出中")
    DONE = "done", _("可下载")
    FAILED = "failed", _("导出失败")


EXPORT_JOB_PENDING = (ExportJobStatus.QUEUED, ExportJobStatus.RUNNING)
