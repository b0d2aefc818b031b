"""Documents generated in the background (the white paper, the assessment results in Word …): the kinds, registered by the apps that build them.

The job itself (`reports.GeneratedDocument`, its service, task, pages and API) lives in `reports`; an app of the
same tier (`assessment`) cannot import `reports`, so each app registers its kinds here from `AppConfig.ready()`
and `reports` looks them up by name. A kind says who may ask for it (roles), how a request is read and
checked against the caller's scope (`resolve`), and how the file is built (`build`, run by the worker).

A document here is shared (the last white paper of a year, for every office member). A list export too large
for the request is the same kind of job for one user and one set of filters: `core.export_jobs` (its model
`core.ExportJob`, queued by `core.exports.xlsx_export`), with the same states, expiry of a lost job, joining of
a double click and progress partial (`core/partials/job_progress.html`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _


class DocumentRequestError(ValueError):
    """A bad request for a document ("field: reason"); pages and the API answer 400 with it."""


@dataclass(frozen=True)
class DocumentTarget:
    """What a request resolved to: the year the document reports on, the object it is about (0 for a
    yearly document such as the white paper) and the download name without its extension."""

    year: int
    object_id: int
    filename: str


# progress(percent) reports how far the build is (0–100); the worker stores it for the polling page.
Progress = Callable[[int], None]


@dataclass(frozen=True)
class DocumentKind:
    name: str  # kebab-case, stored on the job
    label: str | Promise
    formats: tuple[str, ...]
    content_types: dict[str, str]
    roles: frozenset  # who may request and download it (the download view's roles before the background job)
    # resolve(user=, year=, object_id=) -> DocumentTarget; raises DocumentRequestError, PermissionDenied, Http404
    resolve: Callable[..., DocumentTarget]
    # build(year=, object_id=, fmt=, progress=) -> bytes; runs in the worker, without a user
    build: Callable[..., bytes]


_KINDS: dict[str, DocumentKind] = {}


def register_document_kind(kind: DocumentKind) -> None:
    _KINDS[kind.name] = kind


def document_kind(name: str | None) -> DocumentKind:
    try:
        return _KINDS[name or ""]
    except KeyError:
        raise DocumentRequestError(_("kind: 应为 %(kinds)s") % {"kinds": ", ".join(sorted(_KINDS))}) from None


def document_kinds() -> dict[str, DocumentKind]:
    return dict(_KINDS)
