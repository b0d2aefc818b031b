"""The national 12315 platform's hand-over: POST /api/complaints/intake/ with one work order as JSON, or a
batch `{"work_orders": [...]}` of up to 100 (how the platform transfers them), validated against
`data/intake.schema.json` (the published contract, docs/complaints-intake.md), then registered by
`services.intake.complaint_submit` / `complaints_submit_batch`. 201 with the new rows; the same work-order
number again is 200 with the rows it created (a batch: 201 when any row is new; an `Idempotency-Key` header
also replays the first answer). Errors are 400 naming the field (its path in the body, `work_orders[3].kind`
in a batch; one bad item refuses the whole batch)."""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.parsers import DepthLimitedJSONParser
from qcity.core.permissions import HasRole
from qcity.core.roles import COMPLAINT_HANDLERS

from ..choices import ComplaintChannel
from ..services.intake import complaint_submit, complaints_submit_batch

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "data" / "intake.schema.json"


@cache
def intake_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def openapi_request_schema() -> dict:
    """The schema as OpenAPI 3.0 reads it: one work order or a batch of them; no `$schema`/`$id`/`$defs`, a
    type list becomes `nullable` (or any type)."""
    work_order = _openapi_work_order()
    batch = dict(intake_schema()["$defs"]["batch"])
    batch["properties"] = {"work_orders": {**batch["properties"]["work_orders"], "items": work_order}}
    return {"oneOf": [work_order, batch]}


def _openapi_work_order() -> dict:
    schema = {key: value for key, value in intake_schema().items() if not key.startswith("$")}
    properties = {}
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        if isinstance(prop.get("type"), list):
            types = prop.pop("type")
            prop["nullable"] = "null" in types
            types = [t for t in types if t != "null"]
            if len(types) == 1:
                prop["type"] = types[0]
        properties[name] = prop
    return schema | {"properties": properties}


@cache
def _validator(definition: str = "") -> Draft202012Validator:
    """The work order's validator, or a definition's of the file (`batch`), its `$ref`s resolved in the file."""
    schema = intake_schema()
    if not definition:
        return Draft202012Validator(schema, format_checker=FormatChecker())
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    return Draft202012Validator({"$ref": f"{schema['$id']}#/$defs/{definition}"}, registry=registry,
                                format_checker=FormatChecker())


def _message(error) -> str:
    """A schema error in the caller's language (jsonschema's own messages are English only)."""
    kind, value = error.validator, error.validator_value
    if kind == "required":
        return _("必填")
    if kind == "additionalProperties":
        return _("未知字段")
    if kind == "type":
        return _("类型不正确，应为 %(type)s") % {"type": " | ".join(value) if isinstance(value, list) else value}
    if kind == "enum":
        return _("取值应为以下之一：%(values)s") % {"values": "、".join(map(str, value))}
    if kind == "maxLength":
        return _("不能超过%(max)s个字符") % {"max": value}
    if kind == "maxItems":
        return _("一批最多%(max)s个工单") % {"max": value}
    if kind == "minItems":
        return _("至少一个工单")
    if kind == "minLength":
        return _("不能为空")
    if kind == "format" and value == "date":
        return _("日期格式应为 YYYY-MM-DD")
    return _("格式不正确")


def is_batch(body) -> bool:
    return isinstance(body, dict) and "work_orders" in body


def _path(parts) -> str:
    """work_orders[3].kind, as the batch's errors name a field."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f"{'.' if text else ''}{part}"
    return text


def schema_errors(body) -> dict[str, list[str]]:
    """Errors by field path ("person_phone", "work_orders[3].kind"); a missing or unknown field is named too."""
    errors: dict[str, list[str]] = {}
    for error in _validator("batch" if is_batch(body) else "").iter_errors(body):
        path = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            names = [_path([*path, name]) for name in error.validator_value if name not in error.instance]
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            names = [_path([*path, name]) for name in error.instance if name not in error.schema["properties"]]
        else:
            names = [_path(path) or "non_field_errors"]
        for name in names:
            errors.setdefault(name, []).append(_message(error))
    return errors


def _arguments(work_order: dict) -> dict:
    arguments = dict(work_order)
    if arguments.get("harm_known_on"):
        arguments["harm_known_on"] = datetime.date.fromisoformat(arguments["harm_known_on"])
    return arguments


class ComplaintIntakeRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()


class ComplaintIntakeResultSerializer(serializers.Serializer):
    created = serializers.BooleanField()
    complaints = ComplaintIntakeRowSerializer(many=True)


class ComplaintIntakeBatchResultSerializer(serializers.Serializer):
    created = serializers.BooleanField()
    work_orders = ComplaintIntakeResultSerializer(many=True)


def _result(rows) -> dict:
    return {"created": rows.created,
            "complaints": [{"id": r.pk, "tracking_number": r.tracking_number, "kind": r.kind, "status": r.status}
                           for r in rows]}


class ComplaintIntakeApi(APIView):
    """Register one work order, or a batch of them, handed over by the national 12315 platform (a service
    account scoped to this path, or a complaint handler)."""

    permission_classes = [HasRole]
    required_roles = COMPLAINT_HANDLERS
    parser_classes = [DepthLimitedJSONParser]

    @extend_schema(request={"application/json": openapi_request_schema()},
                   responses={201: OpenApiResponse(ComplaintIntakeResultSerializer,
                                                   description="registered (a batch: `{created, work_orders: "
                                                               "[{created, complaints}, …]}` in the batch's order, "
                                                               "201 when any work order is new)"),
                              200: OpenApiResponse(ComplaintIntakeResultSerializer,
                                                   description="the work order (every one of the batch) was "
                                                               "registered before"),
                              400: OpenApiResponse(description="errors by field path; a batch is refused whole")})
    def post(self, request):
        body = request.data
        errors = schema_errors(body)
        if errors:
            raise ValidationError(errors)
        if is_batch(body):
            submissions = complaints_submit_batch(work_orders=[_arguments(item) for item in body["work_orders"]],
                                                  channel=ComplaintChannel.NATIONAL_PLATFORM, by=request.user)
            created = any(rows.created for rows in submissions)
            result = {"created": created, "work_orders": [_result(rows) for rows in submissions]}
            return Response(ComplaintIntakeBatchResultSerializer(result).data,
                            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        rows = complaint_submit(channel=ComplaintChannel.NATIONAL_PLATFORM, by=request.user, **_arguments(body))
        return Response(ComplaintIntakeResultSerializer(_result(rows)).data,
                        status=status.HTTP_201_CREATED if rows.created else status.HTTP_200_OK)
