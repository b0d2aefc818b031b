"""Every export is audited and every download is an attachment, found by walking the site, not from a list.

The walk loads a tiny demo and, as each demo account, opens every page without URL arguments and then
every page those pages link to (one URL per route), the way a user clicks through. A link carrying
`?export=` (or leading to a view marked `@export_view`) is an export: fetched, it must be an attachment
of the type its file name says, and leave exactly one audit event of the export kind naming the user.
A link with `?export=` to an unmarked view fails, a marked view no account reaches fails (its link is
missing), and any attachment must come from `qcity.core.downloads.attachment_response`. A list over
`EXPORT_BACKGROUND_ROWS` answers with its background job's page: the walk runs the job (eager) and takes the
file the page offers, which must meet the same rules.
"""

import html
import mimetypes
import re
from collections import Counter, deque
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from qcity.core import exports
from qcity.core.choices import AuditAction, ExportJobStatus, Role
from qcity.core.demo import DEMO_ACCOUNTS
from qcity.core.downloads import SANDBOX_CSP, attachment_response
from qcity.core.exports import EXPORT_PARAM, XLSX_CONTENT_TYPE, XlsxColumns, xlsx_export
from qcity.core.models import AuditEvent, ExportJob, User
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.indicators.models import ReportedValue, ValueEvidence
from qcity.inspections.models import Draw, PoolSnapshot
from qcity.reports import services as reports

pytestmark = pytest.mark.django_db

# Not pages: the login/logout/password flow, the language switch, uploaded files, the API (JSON, its
# downloads are checked below) and its docs.
SKIPPED = ("accounts/", "i18n/", "media/", "api/", "static/")
HREF = re.compile(r'href="([^"#]+)"')
MARKED_PAGES = 5  # objects per marked detail route an account opens while looking for its export link


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _is_export(callback) -> bool:
    return getattr(callback, "is_export", False)


def _export_views() -> dict:
    """Marked views by their dotted name (a view may sit behind several routes)."""
    return {f"{cb.__module__}.{cb.__name__}": route for route, cb in _routes(get_resolver()) if _is_export(cb)}


def _name(callback) -> str:
    return f"{callback.__module__}.{callback.__name__}"


def _seeds() -> list[str]:
    seeds = []
    for route, _callback in _routes(get_resolver()):
        route = route.lstrip("^").rstrip("$")
        if "<" not in route and "(?P" not in route and not route.startswith(SKIPPED) and "\\" not in route:
            seeds.append("/" + route)
    return seeds


def _filename(response) -> str:
    header = response["Content-Disposition"]
    match = re.search(r"filename\*=utf-8''([^;]+)", header) or re.search(r'filename="([^"]+)"', header)
    assert match, header
    return unquote(match.group(1))


def _is_attachment(response) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


def _links(base: str, content: str) -> list[str]:
    urls = []
    for href in HREF.findall(content):
        url = urljoin(base, html.unescape(href))
        if url.startswith("/") and not url.startswith("//"):
            urls.append(url)
    return urls


@pytest.fixture
def demo(settings, tmp_path, today):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", today=today.isoformat(), count=60, no_forced_change=True,
                 stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {a.username: User.objects.get(username=a.username) for a in DEMO_ACCOUNTS}


def _background_download(client, response):
    """An export sent to its background job's page: the page offers the file, and the file is the answer."""
    if response.status_code != 302:
        return response
    try:
        match = resolve(urlsplit(response.url).path)
    except Resolver404:
        return response
    if match.view_name != "core:export-job":
        return response
    pk = match.kwargs["pk"]
    page = client.get(response.url)
    download_url = reverse("core:export-job-download", args=[pk])
    assert page.status_code == 200 and download_url in page.content.decode(), page.content.decode()[:2000]
    return client.get(download_url)


def test_every_export_link_is_marked_audited_and_an_attachment(client, demo,
                                                               django_capture_on_commit_callbacks):
    capture_on_commit = django_capture_on_commit_callbacks
    # given every demo account and the views marked as exports
    marked = _export_views()
    assert marked, "no view is marked @export_view"
    reached, problems = set(), []

    for username, user in demo.items():
        client.force_login(user)
        seen, queue, opened = set(), deque(_seeds()), Counter()
        # when the account clicks through its pages (each route once, each export link once)
        while queue:
            url = queue.popleft()
            path, query = urlsplit(url).path, parse_qs(urlsplit(url).query)
            try:
                match = resolve(path)
            except Resolver404:
                continue
            wants_export = EXPORT_PARAM in query
            # a marked view's link with a query (`?year=…&format=pdf`) is not the bare page the seeds open;
            # a marked detail page is opened for up to MARKED_PAGES objects, since only some (a drawn plan,
            # not next year's) offer the export
            key = (match.route, tuple(query[EXPORT_PARAM]) if wants_export else
                   (path, *sorted(query)) if _is_export(match.func) else ())
            if key in seen or match.route.lstrip("^").startswith(SKIPPED):
                continue
            if _is_export(match.func) and not wants_export:
                opened[match.route] += 1
                if opened[match.route] > MARKED_PAGES:
                    continue
            seen.add(key)
            before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
            try:
                if wants_export:  # a list over EXPORT_BACKGROUND_ROWS queues a job, run (eager) at the commit
                    with capture_on_commit(execute=True):
                        response = client.get(url)
                    response = _background_download(client, response)
                else:
                    response = client.get(url)
            except Exception as exc:  # noqa: BLE001  a page that breaks is reported, the walk goes on
                problems.append(f"{username}: {url} raised {exc!r}")
                continue
            events = list(AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id")[before:])
            download = _is_attachment(response) or response.get("Content-Type", "").startswith(XLSX_CONTENT_TYPE)
            # then an export is a marked view's attachment, audited once naming the user
            if wants_export and not _is_export(match.func):
                problems.append(f"{username}: {url} exports from {_name(match.func)}, not marked @export_view")
            if download:
                problems += _check_download(username, url, response, match.func)
                if _is_export(match.func):
                    reached.add(_name(match.func))
                    if [e.actor_id for e in events] != [user.pk]:
                        problems.append(f"{username}: export {url} left {len(events)} export events "
                                        f"({[e.actor_name for e in events]}), not one naming the user")
            elif wants_export:
                problems.append(f"{username}: export link {url} answered {response.status_code} "
                                f"{response.get('Content-Type')}, not a file")
            elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                queue.extend(_links(url, response.content.decode()))

    missed = [f"{name} ({marked[name]}): no demo account reached it through a link (no ?export= link rendered?)"
              for name in sorted(set(marked) - reached)]
    assert not missed + problems, "\n".join(missed + problems)


def _check_download(username: str, url: str, response, func) -> list[str]:
    problems = []
    if not _is_attachment(response):
        return [f"{username}: {url} is not an attachment ({response.get('Content-Disposition')!r})"]
    expected = mimetypes.guess_type(_filename(response))[0] or "application/octet-stream"
    if response["Content-Type"].split(";")[0] != expected:
        problems.append(f"{username}: {url} sends {_filename(response)} as {response['Content-Type']}")
    if response["Content-Type"].startswith(XLSX_CONTENT_TYPE) and not _is_export(func):
        problems.append(f"{username}: {url} answers xlsx from {_name(func)}, not marked @export_view")
    if response.get("Content-Security-Policy") != SANDBOX_CSP:
        problems.append(f"{username}: {url} is an attachment not made by attachment_response")
    return problems


def test_file_downloads_go_through_attachment_response(client, demo, monkeypatch):
    # given a pool snapshot, a draw, a white paper (its build stubbed: the response is under test) and
    # evidence uploaded under a Chinese name
    office, auditor = demo["office"], demo["auditor"]
    snapshot = PoolSnapshot.objects.order_by("id").first()
    draw = Draw.objects.order_by("id").first()
    value = ReportedValue.objects.order_by("id").first()
    evidence = ValueEvidence.objects.create(reported_value=value, file=ContentFile(b"%PDF-1.4 test", name="e.pdf"),
                                            original_name="统计表.pdf", uploaded_by=office)
    monkeypatch.setattr(reports, "white_paper_build", lambda **kw: b"%PDF-1.4 white paper")

    # when they are downloaded by users allowed to
    client.force_login(auditor)
    downloads = {
        "pool snapshot": client.get(reverse("inspections:snapshot-download", args=[snapshot.pk])),
        "draw record": client.get(reverse("inspections:draw-record", args=[draw.pk])),
    }
    client.force_login(office)
    downloads["white paper"] = client.get(reverse("reports:white-paper"), {"year": value.year, "format": "pdf"})
    downloads["reported-value evidence"] = client.get(reverse("indicators:evidence-download", args=[evidence.pk]))

    # then each is attachment_response's: attachment; filename=..., filename* for Chinese names
    for name, response in downloads.items():
        assert response.status_code == 200, name
        assert response.get("Content-Security-Policy") == SANDBOX_CSP, f"{name}: not from attachment_response"
    assert downloads["pool snapshot"]["Content-Disposition"] == \
        f'attachment; filename="pool-snapshot-{snapshot.sha256[:16]}.bin"'
    assert downloads["draw record"]["Content-Disposition"] == f'attachment; filename="draw-{draw.pk}-record.json"'
    assert downloads["draw record"]["Content-Type"] == "application/json"
    assert downloads["white paper"]["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "质量白皮书" in _filename(downloads["white paper"])
    assert downloads["reported-value evidence"]["Content-Disposition"] == \
        "attachment; filename*=utf-8''%E7%BB%9F%E8%AE%A1%E8%A1%A8.pdf"


def test_attachment_response_takes_bytes_or_a_file_and_keeps_a_chinese_name(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc")
    for body in (b"abc", path.open("rb")):
        response = attachment_response(body, "名录库.xlsx")
        assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%90%8D%E5%BD%95%E5%BA%93.xlsx"
        assert response["Content-Type"] == XLSX_CONTENT_TYPE and response.getvalue() == b"abc"


def test_an_export_above_the_cap_is_refused_with_a_message_and_not_audited(rf, make_user):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.get("/somewhere/", {"export": "xlsx", "q": "x"})
    request.user = make_user()
    request.session = {}
    request._messages = FallbackStorage(request)
    columns = XlsxColumns(name="n", sheet="s", headings=["a"], row=lambda i: [i], object_type="core.user")

    response = xlsx_export(request, columns, [1, 2, 3], limit=2)

    assert response.status_code == 302 and response.url == "/somewhere/?q=x"
    assert "超出导出上限" in str(list(request._messages)[0])
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    assert xlsx_export(request, columns, [1, 2], limit=2).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=request.user).count() == 1


def test_a_large_export_is_rebuilt_in_the_background_with_the_asker_s_scope(
        client, make_user, city, district, monkeypatch, django_capture_on_commit_callbacks):
    # given 6 enterprises in the officer's district and 3 in another, and a background threshold of 5
    other = city.children.exclude(pk=district.pk).first()
    EnterpriseFactory.create_batch(6, org_unit=district, numbered=True)
    EnterpriseFactory.create_batch(3, org_unit=other, numbered=True)
    monkeypatch.setattr(exports, "EXPORT_BACKGROUND_ROWS", 5)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    client.force_login(officer)

    # when the district officer exports the enterprise list
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("enterprises:list"), {"export": "xlsx"})

    # then a job built it, as them: their district's six enterprises, not the other three
    job = ExportJob.objects.get(requested_by=officer)
    assert response.status_code == 302 and response.url == reverse("core:export-job", args=[job.pk])
    assert (job.status, job.rows) == (ExportJobStatus.DONE, 6)
    download = client.get(reverse("core:export-job-download", args=[job.pk]))
    assert download.status_code == 200 and _filename(download).startswith("enterprises-")
    assert [e.actor_id for e in AuditEvent.objects.filter(action=AuditAction.EXPORT)] == [officer.pk]
    # and nobody else gets it, whatever their roles
    client.force_login(make_user(Role.LEADERSHIP_OFFICE))
    assert client.get(reverse("core:export-job-download", args=[job.pk])).status_code == 404
