"""The one workflow-step helper (`qcity.core.steps`) used by every app's step views."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone

from qcity.core import todos
from qcity.core.choices import Role
from qcity.core.steps import button_step_run, step_run


class ReasonForm(forms.Form):
    reason = forms.CharField()


def _post(rf, data):
    request = rf.post("/step/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _detail(form):
    return HttpResponse(f"detail errors={dict(form.errors)}")


def test_step_runs_the_service_then_redirects_with_the_message(rf):
    # given a valid POST
    request, calls = _post(rf, {"reason": "late"}), []
    # when the step runs
    response = step_run(request, ReasonForm(request.POST), lambda form: calls.append(form.cleaned_data["reason"]),
                        success="done", done="/after/", detail=_detail)
    # then the service got the cleaned data and the user is sent on with the message
    assert calls == ["late"] and response.status_code == 302 and response["Location"] == "/after/"
    assert [str(m) for m in get_messages(request)] == ["done"]


def test_service_refusal_lands_on_the_form_and_answers_400(rf):
    request = _post(rf, {"reason": "late"})

    def refuse(form):
        raise ValidationError({"reason": ["too late"]})

    response = step_run(request, ReasonForm(request.POST), refuse, success="done", done="/after/", detail=_detail)
    assert response.status_code == 400 and "too late" in response.content.decode()
    assert not list(get_messages(request))


def test_invalid_form_never_reaches_the_service(rf):
    request, calls = _post(rf, {}), []
    response = step_run(request, ReasonForm(request.POST), calls.append, success="done", done="/after/",
                        detail=_detail)
    assert response.status_code == 400 and calls == []


def test_message_and_target_may_depend_on_the_result(rf):
    request = _post(rf, {"reason": "x"})
    response = step_run(request, ReasonForm(request.POST), lambda form: 7, success=lambda n: f"no. {n}",
                        done=lambda n: f"/things/{n}/", detail=_detail)
    assert response["Location"] == "/things/7/" and [str(m) for m in get_messages(request)] == ["no. 7"]


def test_button_step_shows_the_refusal_as_an_error_message(rf):
    request = _post(rf, {})

    def refuse():
        raise ValidationError("already published")

    response = button_step_run(request, refuse, success="published", done="/back/")
    assert response.status_code == 302 and response["Location"] == "/back/"
    assert [str(m) for m in get_messages(request)] == ["already published"]


def test_a_step_done_starts_the_menu_badges_afresh(rf, make_user, settings):
    # given an officer whose badge counts are cached
    settings.QCITY_TODO_COUNT_SECONDS = 60
    officer = make_user(Role.DISTRICT_OFFICER)
    todos.menu_counts(officer)
    assert cache.get(todos._cache_key(officer, timezone.localdate())) is not None
    # when they complete a step
    request = _post(rf, {"reason": "late"})
    request.user = officer
    step_run(request, ReasonForm(request.POST), lambda form: None, success="done", done="/after/", detail=_detail)
    # then their cached counts are gone: the next page counts afresh
    assert cache.get(todos._cache_key(officer, timezone.localdate())) is None
