"""One workflow step behind a POST (submit, approve, publish, close…): the single way step views answer.

A step view stays one short function that names its own service:

    @role_required(*MARKET_OFFICERS)
    @require_POST
    def sample_serve(request, pk):
        sample = selectors.sample_get(user=request.user, pk=pk)
        return step_run(request, ServeForm(request.POST, prefix="serve"),
                        lambda form: services.sample_serve(sample=sample, by=request.user, **form.cleaned_data),
                        success=_("已登记送达"), done=reverse("sampling:sample-detail", args=[sample.pk]),
                        detail=lambda form: _detail(request, sample, forms={"serve": form}))

A step without input (a "publish" button) uses `button_step_run`. `success` and `done` may be functions
of what the service returned (the new object's name in the message, its page as the target).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from . import todos
from .forms import add_service_errors, service_error_text

Outcome = str | Callable[[Any], str]


def _outcome(value: Outcome, result) -> str:
    return value(result) if callable(value) else value


def _badges_forget(request) -> None:
    """A step done usually changes what its user has to do: the menu's cached counts start afresh."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        todos.menu_counts_forget(user)


def step_run(request, form: forms.BaseForm, call: Callable[[forms.BaseForm], Any], *, success: Outcome,
             done: Outcome, detail: Callable[[forms.BaseForm], HttpResponse]) -> HttpResponse:
    """Validate `form` (bound to the POST), run `call(form)` (the step's service), add the `success` message
    and redirect to `done`; a form error or the service's ValidationError re-renders `detail(form)` with the
    errors on the form, as 400 so that HTMX and tests see the refusal."""
    if form.is_valid():
        try:
            result = call(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _badges_forget(request)
            messages.success(request, _outcome(success, result))
            return redirect(_outcome(done, result))
    response = detail(form)
    response.status_code = 400
    return response


def button_step_run(request, call: Callable[[], Any], *, success: Outcome | None, done: str) -> HttpResponse:
    """A step without a form: run `call()` (the service); its refusal becomes an error message, its success the
    `success` message (None: the page shows the change itself). Back to `done`."""
    try:
        result = call()
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        _badges_forget(request)
        if success is not None:
            messages.success(request, _outcome(success, result))
    return redirect(done)


def next_url(request, default: str) -> str:
    """Where a step returns to: the form's `next` when it is a page of this site, else `default` (no open redirect)."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return wanted
    return default
