"""Columns of the back-office complaint list. The person is always masked here (a list is seen over the
shoulder and exported); only the detail page shows it in full, to the handling scope."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qcity.core.tables import TABLE_CLASS, QcityTable, TemplateColumn
from qcity.core.todos import TodoEntry, countdown

from .models import (
    Complaint,
    ComplaintCategory,
    DirectSettlementMembership,
    GazetteerEntry,
    ProblemType,
    Reward,
    RewardRule,
)
from .selectors import person_masked

DETAIL = ("complaints:complaint-detail", {"pk": tables.A("pk")})


def deadline_cell(record, field: str, *, today=None, explain: bool = False, running: bool = True) -> str:
    """A deadline with its 暂定 mark and, while it runs, the working days left (or overdue)."""
    today = today or timezone.localdate()
    days = countdown(getattr(record, field, None), today) if running else None
    entry = TodoEntry(None, days)  # the home page's urgency colours
    return render_to_string("complaints/partials/deadline.html", {
        "record": record, "field": field, "explain": explain, "entry": entry})


class ComplaintTable(QcityTable):
    tracking_number = tables.Column(linkify=DETAIL, attrs={"td": {"class": "font-monospace text-nowrap"}})
    kind = tables.Column()
    subject = tables.Column(linkify=DETAIL)
    respondent_name = tables.Column(verbose_name=_("被投诉举报方"))
    person = tables.Column(verbose_name=_("投诉举报人"), empty_values=(), orderable=False)
    org_unit = tables.Column(verbose_name=_("承办单位"), order_by=("org_unit__path",), default=_("待分派"))
    status = tables.Column()
    received_on = tables.DateColumn(format="Y-m-d", attrs={"td": {"class": "text-nowrap"}})
    current_deadline = tables.Column(verbose_name=_("当前期限"), empty_values=())
    category = tables.Column(verbose_name=_("分类"), accessor="category__name", default="—")

    class Meta(QcityTable.Meta):
        model = Complaint
        fields = ("tracking_number", "kind", "subject", "respondent_name", "person", "org_unit", "status",
                  "received_on", "current_deadline", "category")
        attrs = {"class": TABLE_CLASS, "id": "complaint-table"}
        row_attrs = {"class": "complaint-row", "data-kind": lambda record: record.kind}
        empty_text = _("没有符合条件的投诉举报")

    def render_person(self, record):
        return _("匿名") if record.anonymous else person_masked(record)["name"]

    def render_org_unit(self, value):
        return value.short_name or value.name

    def render_current_deadline(self, record):
        return deadline_cell(record, "current_deadline")


REWARD_DETAIL = ("complaints:reward-detail", {"pk": tables.A("pk")})


class RewardTable(QcityTable):
    """The reward list: no reporter's name here — a reporter's identity stays with the handling file."""

    tracking_number = tables.Column(verbose_name=_("查询编号"), accessor="complaint__tracking_number",
                                    linkify=REWARD_DETAIL, attrs={"td": {"class": "font-monospace text-nowrap"}})
    org_unit = tables.Column(verbose_name=_("承办单位"), accessor="complaint__org_unit", default="—",
                             order_by=("complaint__org_unit__path",))
    grade = tables.Column()
    fine_amount = tables.Column()
    amount = tables.Column()
    status = tables.Column()
    proposed_on = tables.DateColumn(format="Y-m-d")
    decided_on = tables.DateColumn(format="Y-m-d")
    paid_on = tables.DateColumn(format="Y-m-d")

    class Meta(QcityTable.Meta):
        model = Reward
        fields = ("tracking_number", "org_unit", "grade", "fine_amount", "amount", "status", "proposed_on",
                  "decided_on", "paid_on")
        attrs = {"class": TABLE_CLASS, "id": "reward-table"}
        empty_text = _("没有符合条件的举报奖励")

    def render_org_unit(self, value):
        return value.short_name or value.name


class RewardRuleTable(QcityTable):
    grade = tables.Column()
    fine_from = tables.Column()
    fine_to = tables.Column(default=_("不限"))
    rate_percent = tables.Column()
    minimum = tables.Column()
    cap = tables.Column()
    edit = tables.Column(verbose_name="", orderable=False, empty_values=(),
                         linkify=("complaints:reward-rule-edit", {"pk": tables.A("pk")}))

    class Meta(QcityTable.Meta):
        model = RewardRule
        fields = ("grade", "fine_from", "fine_to", "rate_percent", "minimum", "cap", "edit")
        attrs = {"class": TABLE_CLASS, "id": "reward-rule-table"}
        empty_text = _("尚无奖励标准")

    def render_edit(self):
        return _("修改")


class GazetteerEntryTable(QcityTable):
    """The gazetteer (地名库): a switched-off entry is greyed."""

    name = tables.Column()
    kind = tables.Column()
    org_unit = tables.Column(order_by=("org_unit__path",))
    note = tables.Column(attrs={"td": {"class": "small"}}, default="")
    active = tables.BooleanColumn(yesno=(_("是"), _("否")))
    edit = tables.Column(verbose_name="", orderable=False, empty_values=(),
                         linkify=("complaints:gazetteer-edit", {"pk": tables.A("pk")}), attrs={"a": {"class": "small"}})

    class Meta(QcityTable.Meta):
        model = GazetteerEntry
        fields = ("name", "kind", "org_unit", "note", "active", "edit")
        attrs = {"class": TABLE_CLASS, "id": "gazetteer-table"}
        row_attrs = {"class": lambda record: "gazetteer-entry" if record.active else "gazetteer-entry qc-muted"}
        empty_text = _("地名库为空")

    def render_org_unit(self, value):
        return value.name

    def render_edit(self):
        return _("编辑")


class _ClassificationTable(QcityTable):
    """The two reference lists the office keeps (categories, problem types): a switched-off row is greyed, the
    edit link is the office's only (`can_edit`)."""

    name = tables.Column()
    code = TemplateColumn("<code>{{ record.code }}</code>", verbose_name=_("代码"), order_by=("code",))
    sort_order = tables.Column()
    active = tables.BooleanColumn(yesno=(_("是"), _("否")))
    complaint_count = tables.Column(verbose_name=_("投诉举报（件）"))

    class Meta(QcityTable.Meta):
        attrs = {"class": TABLE_CLASS, "id": "classification-table"}
        row_attrs = {"class": lambda record: "classification-row" if record.active else "classification-row qc-muted"}
        empty_text = _("暂无条目")

    def __init__(self, *args, can_edit: bool, **kwargs):
        super().__init__(*args, exclude=() if can_edit else ("edit",), **kwargs)

    def render_edit(self):
        return _("编辑")


class ComplaintCategoryTable(_ClassificationTable):
    edit = tables.Column(verbose_name="", orderable=False, empty_values=(), attrs={"a": {"class": "small"}},
                         linkify=("complaints:category-edit", {"pk": tables.A("pk")}))

    class Meta(_ClassificationTable.Meta):
        model = ComplaintCategory
        fields = ("name", "code", "group", "sort_order", "active", "complaint_count", "edit")


class ProblemTypeTable(_ClassificationTable):
    edit = tables.Column(verbose_name="", orderable=False, empty_values=(), attrs={"a": {"class": "small"}},
                         linkify=("complaints:problem-type-edit", {"pk": tables.A("pk")}))

    class Meta(_ClassificationTable.Meta):
        model = ProblemType
        fields = ("name", "code", "sort_order", "active", "complaint_count", "edit")


class DirectSettlementMembershipTable(QcityTable):
    """The enterprises that joined direct settlement (and those that left), in the officer's units."""

    enterprise = tables.Column(verbose_name=_("企业"), accessor="enterprise__name")
    uscc = tables.Column(verbose_name=_("统一社会信用代码"), accessor="enterprise__uscc")
    org_unit = tables.Column(verbose_name=_("所属区域"), accessor="enterprise__org_unit__name",
                             order_by=("enterprise__org_unit__path",))
    joined_on = tables.DateColumn(format="Y-m-d")
    left_on = tables.DateColumn(format="Y-m-d", default="—")

    class Meta(QcityTable.Meta):
        model = DirectSettlementMembership
        fields = ("enterprise", "uscc", "org_unit", "joined_on", "left_on")
        attrs = {"class": TABLE_CLASS, "id": "direct-settlement-members"}
        row_attrs = {"class": "direct-settlement-member"}
        empty_text = _("暂无企业加入")
