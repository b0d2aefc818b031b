from django.db import models
from django.utils.translation import gettext_lazy as _


class EntityType(models.TextChoices):
    LIMITED_COMPANY = "limited_company", _("有限责任公司")
    JOINT_STOCK_COMPANY = "joint_stock_company", _("股份有限公司")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("个人独资企业")
    PARTNERSHIP = "partnership", _("合伙企业")
    BRANCH = "branch", _("分公司")
    FOREIGN_INVESTED = "foreign_invested", _("外商投资企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    REVOKED = "revoked", _("吊销")
    DEREGISTERED = "deregistered", _("注销")
    MOVED_OUT = "moved_out", _("迁出")


class LicenceKind(models.TextChoices):
    INDUSTRIAL_PRODUCTION = "industrial_production", _("工业产品生产许可证")
    FOOD_PRODUCTION = "food_production", _("食品生产许可证")
    FOOD_BUSINESS = "food_business", _("食品经营许可证")
    DRUG_BUSINESS = "drug_business", _("药品经营许可证")
    MEDICAL_DEVICE = "medical_device", _("医疗器械经营许可证")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备生产许可证")
    CONSTRUCTION = "construction", _("建筑业企业资质证书")


class CertificationKind(models.TextChoices):
    ISO9001 = "iso9001", _("ISO 9001 质量管理体系")
    ISO14001 = "iso14001", _("ISO 14001 环境管理体系")
    ISO45001 = "iso45001", _("ISO 45001 职业健康安全管理体系")
    HACCP = "haccp", _("HACCP 危害分析与关键控制点")
    ISO22000 = "iso22000", _("ISO 22000 食品安全管理体系")
    CCC = "ccc", _("CCC 强制性产品认证")
    ORGANIC = "organic", _("有机产品认证")
    GREEN_FOOD = "green_food", _("绿色食品")
    IATF16949 = "iatf16949", _("IATF 16949 汽车质量管理体系")


class EnterpriseImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    REJECTED = "rejected", _("有错误，未导入")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("文件无法读取")


# --- enterprise accounts ---------------------------------------------------------------------------


class EnterpriseAccountRole(models.TextChoices):
    ADMIN = "admin", _("企业管理员")
    CHIEF_QUALITY_OFFICER = "chief_quality_officer", _("首席质量官")
    STAFF = "staff", _("企业员工")


class EnterpriseAccountStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("待区县确认")
    CONFIRMED = "confirmed", _("已确认")
    REVOKED = "revoked", _("已撤销")
    REMOVED = "removed", _("已移除")


class PhoneVerificationPurpose(models.TextChoices):
    REGISTRATION = "registration", _("企业账号注册")
