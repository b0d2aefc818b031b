"""Bad input gets a 400 or a 404, never a 500: the findings of the "Hardening" issue, reproduced.

Years outside the documented range, integers beyond the database column, path ids beyond BigAutoField,
page numbers beyond any page, JSON nested past the parser's limit, decimals that would round to zero,
full-width digits and names carrying bidi-override or zero-width characters.
"""

import json
import re

import pytest
from rest_framework.test import APIClient

from qcity.core.choices import Role

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # > 2**64


@pytest.fixture
def office(make_user):
    return make_user(Role.LEADERSHIP_OFFICE)


@pytest.fixture
def api(office):
    client = APIClient()
    client.force_authenticate(office)
    return client


@pytest.fixture
def pages(client, office):
    client.force_login(office)
    return client


ANONYMOUS_URLS = [
    "/api/public/inspection-results/?year=0",
    "/api/public/inspection-results/?year=99999",
    "/public/inspections/results/?year=0",
    "/public/inspections/results/?year=-5",
    f"/public/credit/lists/abnormal_operations/?page={HUGE}000",
    "/public/credit/lists/abnormal_operations/?page=-1",
    f"/public/sampling/?page={HUGE}",
]

LOGGED_IN_URLS = [
    "/api/sampling-plans/?year=0",
    "/api/plan-tasks/?deadline_year=99999",
    "/api/plan-tasks/?deadline_year=0",
    f"/api/credit-events/?enterprise={HUGE}",
    f"/api/samples/?plan={HUGE}",
    f"/api/enterprises/?page={HUGE}",
    "/sampling/?year=0",
    "/sampling/plans/?year=0",
    "/workplan/?deadline_year=0",
    "/core/holiday-calendar/?year=0",
    "/core/holiday-calendar/?year=99999",
    f"/core/holiday-calendar/?year={HUGE}",
    f"/enterprises/{HUGE}/",
    f"/sampling/samples/{HUGE}/",
    f"/api/enterprises/{HUGE}/",
    f"/api/inspections/plans/{HUGE}/",
    "/api/working-days/?start=9999-12-31&days=5",
    "/api/working-days/?start=9999-12-25&end=9999-12-31",
    "/api/legal-durations/complaint-acceptance-decision/deadline/?start=9999-12-31",
    "/api/legal-durations/complaint-acceptance-decision/deadline/?start=0001-01-01",
]


@pytest.mark.parametrize("url", ANONYMOUS_URLS)
def test_bad_query_from_anyone_is_a_client_error(client, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)


@pytest.mark.parametrize("url", LOGGED_IN_URLS)
def test_bad_query_from_a_user_is_a_client_error(pages, url):
    response = pages.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)


def test_year_outside_the_range_is_400_on_the_api(api):
    response = api.get("/api/sampling-plans/", {"year": 0})
    assert response.status_code == 400
    assert "year" in response.json()


def test_huge_page_number_is_404_on_the_api(api):
    assert api.get("/api/enterprises/", {"page": HUGE}).status_code == 404


def test_path_id_beyond_bigint_is_404(pages):
    assert pages.get(f"/enterprises/{HUGE}/").status_code == 404


def test_deadline_beyond_2100_is_400_naming_the_field(api):
    response = api.get("/api/working-days/", {"start": "9999-12-31", "days": 5})
    assert response.status_code == 400
    assert "start" in response.json()


@pytest.mark.parametrize("batches", [1e20, 10**20, 2**31, "１e20"])
def test_integer_beyond_the_column_in_a_body_is_400(api, district, batches):
    body = {"level": "city", "title": "t", "org_unit": district.pk, "period_start": "2026-01-01",
            "period_end": "2026-12-31", "planned_batches": batches}
    response = api.post("/api/sampling-plans/", body, format="json")
    assert response.status_code == 400
    assert "planned_batches" in response.json()


def test_id_beyond_bigint_in_a_body_is_400(api):
    body = {"level": "city", "title": "t", "org_unit": int(HUGE), "period_start": "2026-01-01",
            "period_end": "2026-12-31", "planned_batches": 3}
    response = api.post("/api/sampling-plans/", body, format="json")
    assert response.status_code == 400


def test_deeply_nested_json_is_400(api):
    body = "[" * 5000 + "]" * 5000
    response = api.generic("POST", "/api/sampling-plans/", body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in json.dumps(response.json(), ensure_ascii=False)


def test_moderately_nested_json_still_parses(api):
    body = json.dumps({"a": [[[[{"b": 1}]]]]})
    response = api.generic("POST", "/api/sampling-plans/", body, content_type="application/json")
    assert response.status_code == 400  # the fields are missing, but the body was read
    assert "title" in response.json()


def test_json_with_nan_is_still_refused(api):
    response = api.generic("POST", "/api/sampling-plans/", '{"planned_batches": NaN}', content_type="application/json")
    assert response.status_code == 400


# --- numbers: underflow, full-width digits ------------------------------------------------------------


def test_a_value_that_would_round_to_zero_is_refused():
    from django.core.exceptions import ValidationError

    from qcity.indicators.services.values import parse_value

    with pytest.raises(ValidationError) as error:
        parse_value("1e-999999")
    assert "0" in str(error.value)
    assert parse_value("0") == 0
    assert parse_value("0.0001") > 0


def test_full_width_digits_are_read_after_nfkc_and_other_scripts_are_refused():
    from django.core.exceptions import ValidationError

    from qcity.indicators.services.values import parse_value

    assert parse_value("９８．５％") == parse_value("98.5")
    with pytest.raises(ValidationError):
        parse_value("٣")  # an Arabic-Indic three: a digit to Python, not to the platform


def test_full_width_year_in_a_filter_is_accepted(api):
    assert api.get("/api/sampling-plans/", {"year": "２０２６"}).status_code == 200


def test_superscript_digits_in_a_hand_read_parameter_are_400(api):
    assert api.get("/api/reported-values/", {"year": "²"}).status_code == 400


def test_decimal_underflow_in_a_body_is_400():
    from qcity.core.fields import BoundedDecimalField

    field = BoundedDecimalField(max_digits=16, decimal_places=6)
    with pytest.raises(Exception) as error:
        field.run_validation("1e-999999")
    assert error.type.__name__ == "ValidationError"


# --- names and codes: bidi overrides, zero-width and control characters ---------------------------------

INVISIBLE = ["\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\x07"]


@pytest.mark.parametrize("char", INVISIBLE)
def test_enterprise_name_with_an_invisible_character_is_400(api_for, make_user, district, char):
    from qcity.enterprises.tests.factories import make_uscc

    client = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    payload = {"uscc": make_uscc(), "name": f"郑州{char}测试有限公司", "entity_type": "limited_company",
               "industry_code": "14", "org_unit": district.pk}
    response = client.post("/api/enterprises/", payload, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_model_validation_refuses_invisible_characters_in_names_and_codes(district):
    from django.core.exceptions import ValidationError

    from qcity.enterprises.tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(org_unit=district)
    enterprise.name = "郑州\u202e司公限有"
    with pytest.raises(ValidationError) as error:
        enterprise.full_clean()
    assert "name" in error.value.message_dict


def test_every_listed_name_and_code_field_exists_and_carries_the_validator():
    from django.apps import apps

    from qcity.core.text import NAME_AND_CODE_FIELDS, validate_clean_text

    for label, name in NAME_AND_CODE_FIELDS:
        field = apps.get_model(label)._meta.get_field(name)
        assert validate_clean_text in field.validators, (label, name)
        assert validate_clean_text not in field.deconstruct()[3].get("validators", []), "kept out of migrations"


def test_sampling_form_refuses_a_zero_width_sample_number():
    from qcity.core.fields import CleanTextFormField

    field = CleanTextFormField(max_length=40)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        field.clean("ZZ-2026\u200b-0001")
    assert field.clean("ZZ-2026-0001") == "ZZ-2026-0001"


@pytest.mark.parametrize("role", [Role.ENTERPRISE_USER, Role.INSPECTOR, Role.DISTRICT_OFFICER, Role.LEADERSHIP_OFFICE])
def test_every_logged_in_role_can_read_the_api_schema(api_for, make_user, district, role):
    response = api_for(make_user(role, org_unit=district)).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "1900" in response.json()["info"]["description"]


def test_anonymous_callers_cannot_read_the_api_schema(client):
    assert client.get("/api/schema/").status_code in (401, 403)


def test_model_dates_beyond_2100_are_refused_by_full_clean(district):
    import datetime

    from django.core.exceptions import ValidationError

    from qcity.enterprises.tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(org_unit=district)
    enterprise.established_on = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError) as error:
        enterprise.full_clean()
    assert "established_on" in error.value.message_dict


def test_path_guard_turns_an_id_beyond_bigint_into_404(rf):
    from django.http import Http404

    from qcity.core.request_guard import RequestGuardMiddleware

    guard = RequestGuardMiddleware(lambda request: None)
    with pytest.raises(Http404):
        guard.process_view(rf.get("/"), None, (), {"pk": 2**64})
    assert guard.process_view(rf.get("/"), None, (), {"pk": 2**63 - 1}) is None


# --- fitness: the bounded types stay in use ---------------------------------------------------------------


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_number_filter_of_the_platform_is_bounded():
    import importlib

    import django_filters
    from django.apps import apps

    from qcity.core.fields import BoundedIntegerFilter, IdFilter, YearFilter

    for config in apps.get_app_configs():
        if config.name.startswith("qcity."):
            try:
                importlib.import_module(f"{config.name}.filters")
            except ModuleNotFoundError:
                pass
    unbounded = [
        f"{filterset.__module__}.{filterset.__name__}.{name}"
        for filterset in _subclasses(django_filters.FilterSet) if filterset.__module__.startswith("qcity.")
        for name, declared in filterset.declared_filters.items()
        if isinstance(declared, django_filters.NumberFilter)
        and not isinstance(declared, YearFilter | IdFilter | BoundedIntegerFilter)
    ]
    assert not unbounded, "use YearFilter, IdFilter or BoundedIntegerFilter from qcity.core.fields: " + ", ".join(unbounded)


INPUT_SERIALIZER = re.compile(r"(Input|Query|Create|Open|Issue|Accept|Proposal|Schedule)\w*Serializer$")


def test_every_integer_a_client_sends_to_the_api_has_an_upper_bound():
    import importlib

    from django.apps import apps
    from rest_framework import serializers

    for config in apps.get_app_configs():
        if config.name.startswith("qcity."):
            try:
                importlib.import_module(f"{config.name}.api.serializers")
            except ModuleNotFoundError:
                pass
    unbounded = []
    for serializer in _subclasses(serializers.Serializer):
        if not serializer.__module__.startswith("qcity.") or not INPUT_SERIALIZER.search(serializer.__name__):
            continue
        try:
            fields = serializer().fields
        except Exception:  # noqa: BLE001  serializers that need arguments are checked through their users
            continue
        for name, field in fields.items():
            field = getattr(field, "child", field)
            if isinstance(field, serializers.IntegerField) and not field.read_only and field.max_value is None:
                unbounded.append(f"{serializer.__module__}.{serializer.__name__}.{name}")
    assert not unbounded, "use IdField, YearField or BoundedIntegerField from qcity.core.fields: " + ", ".join(unbounded)


BAD_QUERY = {"year": "0", "deadline_year": "99999", "page": HUGE + "000", "plan": HUGE, "enterprise": HUGE,
             "org_unit": HUGE, "task": "-" + HUGE, "scheme": "²", "indicator": HUGE, "status": "\u202e",
             "date_from": "9999-12-31", "date_to": "0001-01-01", "since": "0000-00-00", "q": "\x00"}


def _pages_without_arguments():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    skip = ("accounts/", "i18n/", "media/", "api/docs", "api/redoc")
    for route in walk(get_resolver()):
        if "<" not in route and not route.startswith(skip) and "export" not in route and ".xlsx" not in route:
            yield "/" + route.lstrip("^").rstrip("$")


def test_no_list_page_or_endpoint_answers_500_to_bad_query_parameters(pages):
    failures = []
    for url in _pages_without_arguments():
        response = pages.get(url, BAD_QUERY)
        if response.status_code >= 500:
            failures.append(f"{url} → {response.status_code}")
    assert not failures, failures


def test_brackets_inside_strings_do_not_count_towards_the_json_depth():
    from qcity.core.parsers import JSON_MAX_DEPTH, JSONTooDeep, json_depth, json_loads

    assert json_depth('{"a": "[[[[[[[[[[", "b": [1, {"c": "\\"]]]"}]}') == 3
    assert isinstance(json_loads("[" * JSON_MAX_DEPTH + "]" * JSON_MAX_DEPTH), list)
    with pytest.raises(JSONTooDeep):
        json_loads("[" * (JSON_MAX_DEPTH + 1) + "]" * (JSON_MAX_DEPTH + 1))


def test_a_page_number_no_page_can_have_shows_the_first_page(client):
    from qcity.core.pagination import MAX_PAGE_NUMBER, page_number

    assert page_number(HUGE) == 1
    assert page_number("-3") == 1
    assert page_number("３") == 3
    assert page_number(str(MAX_PAGE_NUMBER)) == MAX_PAGE_NUMBER
    assert client.get("/public/credit/lists/abnormal_operations/", {"page": HUGE}).status_code == 200


# --- NUL characters: PostgreSQL text cannot hold them ----------------------------------------------------


@pytest.mark.parametrize("url", ["/api/enterprises/?q=%00", "/enterprises/?q=a%00b", "/public/credit/?q=%00",
                                 "/api/indicators/?plan=%00"])
def test_a_nul_in_a_query_parameter_is_400(pages, url):
    assert pages.get(url).status_code == 400


def test_a_nul_in_a_form_body_is_400(api):
    response = api.post("/api/samples/", {"enterprise": "\x00", "plan": 1}, format="multipart")
    assert response.status_code == 400
    response = api.generic("POST", "/api/samples/", "enterprise=%00&plan=1",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_a_nul_in_a_json_string_is_400(api):
    response = api.generic("POST", "/api/samples/", '{"enterprise": "\\u0000"}',
                           content_type="application/json")
    assert response.status_code == 400


def test_every_api_view_parses_through_the_guarded_parsers():
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework.parsers import FormParser

    from qcity.core.parsers import DepthLimitedJSONParser, NulCheckingMultiPartParser, RawDocumentParser

    def walk(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry)
            elif isinstance(entry, URLPattern):
                yield entry.callback

    # RawDocumentParser hands the bytes to a service that reads them through json_loads and the NUL check
    allowed = (DepthLimitedJSONParser, NulCheckingMultiPartParser, FormParser, RawDocumentParser)
    unguarded = sorted({
        f"{view.cls.__module__}.{view.cls.__name__}: {parser.__name__}"
        for view in walk(get_resolver()) if getattr(view, "cls", None) is not None
        and view.cls.__module__.startswith("qcity.")
        for parser in getattr(view.cls, "parser_classes", ())
        if not issubclass(parser, allowed)
    })
    assert not unguarded, unguarded
