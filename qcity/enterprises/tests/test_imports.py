from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises import imports, search
from qcity.enterprises.choices import EnterpriseImportStatus
from qcity.enterprises.imports import ImportFileError, enterprise_import_run
from qcity.enterprises.models import Enterprise

from .factories import EnterpriseFactory, import_row, make_uscc, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, org_unit=district)


def test_good_file_imports_every_row_and_audits(officer):
    rows = [import_row(name=f"郑州导入{i}号有限公司") for i in range(20)]
    record = enterprise_import_run(upload=xlsx_upload(rows), by=officer)
    assert record.status == EnterpriseImportStatus.IMPORTED and record.imported_rows == 20
    assert Enterprise.objects.filter(name__startswith="郑州导入").count() == 20
    third = Enterprise.objects.get(name="郑州导入3号有限公司")
    assert third.name_initials == "zzdr3hyxgs"
    assert (third.registered_capital, str(third.established_on)) == (Decimal("100"), "2015-03-02")
    assert abs((timezone.now() - third.created_at).total_seconds()) < 60
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, actor=officer).exists()


def test_imported_rows_are_in_the_text_index_and_later_rows_still_are(officer, district, monkeypatch):
    """The import fills the search index in one statement (SQLite: without the row trigger); the trigger
    is back for the rows written after it, and an import that fails leaves it in place too."""
    monkeypatch.setattr(search, "PROBE_ROWS", 1)  # every term through the index, not the short-list scan
    EnterpriseFactory(name="郑州旧有饺子有限公司", org_unit=district)
    enterprise_import_run(upload=xlsx_upload([import_row(name=f"郑州导入{c}饺子有限公司") for c in "甲乙丙"]),
                          by=officer)
    with pytest.raises(ImportFileError):  # an error after the rows were written rolls the whole import back
        with mock.patch.object(imports.EnterpriseImport, "save", side_effect=IntegrityError):
            enterprise_import_run(upload=xlsx_upload([import_row(name="郑州回滚饺子有限公司")]), by=officer)
    EnterpriseFactory(name="郑州新增饺子有限公司", org_unit=district)
    found = search.filter_by_text(Enterprise.objects.order_by("name"), "饺子")
    assert search.search(Enterprise.objects.all(), "饺子").estimate is None
    assert [e.name for e in found] == ["郑州导入丙饺子有限公司", "郑州导入乙饺子有限公司", "郑州导入甲饺子有限公司",
                                       "郑州新增饺子有限公司", "郑州旧有饺子有限公司"]
    assert [e.name for e in search.filter_by_text(Enterprise.objects.all(), "drbjz")] == ["郑州导入丙饺子有限公司"]
    if connection.vendor == "sqlite":  # the FTS table holds exactly the table's rows (FTS5 checks it itself)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('integrity-check')")


def test_an_error_in_the_bulk_write_block_restores_the_index_trigger(district, monkeypatch):
    """The caller may go on in its transaction after an error in the block: the trigger is back."""
    monkeypatch.setattr(search, "PROBE_ROWS", 1)
    with transaction.atomic():
        with pytest.raises(ValueError), search.index_bulk_write():
            raise ValueError
        EnterpriseFactory(name="郑州之后饺子有限公司", org_unit=district)
    assert [e.name for e in search.filter_by_text(Enterprise.objects.all(), "之后饺")] == ["郑州之后饺子有限公司"]


def test_bulk_index_write_needs_a_transaction(monkeypatch):
    monkeypatch.setattr(connection, "in_atomic_block", False)
    with pytest.raises(RuntimeError):
        with search.index_bulk_write():
            pass


def test_bad_rows_are_listed_by_number_and_nothing_is_written(officer):
    good = make_uscc()
    rows = [
        import_row(uscc=good),
        import_row(uscc="91110000600037341M"),           # row 3: checksum
        import_row(org_unit="不存在区"),                   # row 4: unknown org unit
        import_row(uscc=good),                            # row 5: duplicate of row 2
        import_row(established_on="2015-13-40"),          # row 6: bad date
        import_row(org_unit="二七区"),                     # row 7: outside the officer's district
    ]
    record = enterprise_import_run(upload=xlsx_upload(rows), by=officer)
    assert record.status == EnterpriseImportStatus.REJECTED
    assert [(e["row"], e["column"]) for e in record.errors] == [
        (3, "统一社会信用代码"), (4, "所属区域"), (5, "统一社会信用代码"), (6, "成立日期"), (7, "所属区域")]
    assert "第2行重复" in record.errors[2]["message"]
    assert "应为" in record.errors[0]["message"]
    assert not Enterprise.objects.exists()


def test_user_may_choose_to_import_the_good_rows(officer):
    rows = [import_row(), import_row(uscc="bad"), import_row()]
    record = enterprise_import_run(upload=xlsx_upload(rows), by=officer, skip_bad_rows=True)
    assert record.status == EnterpriseImportStatus.IMPORTED
    assert (record.imported_rows, record.bad_row_count) == (2, 1)
    assert Enterprise.objects.count() == 2


def test_code_already_registered_is_a_row_error(officer, district):
    existing = EnterpriseFactory(org_unit=district)
    record = enterprise_import_run(upload=xlsx_upload([import_row(uscc=existing.uscc)]), by=officer)
    assert record.errors == [{"row": 2, "column": "统一社会信用代码", "message": f"{existing.uscc} 已登记"}]


@pytest.mark.parametrize(("upload", "words"), [
    (SimpleUploadedFile("list.csv", b"a,b\n1,2\n"), "只接受 .xlsx"),
    (SimpleUploadedFile("empty.xlsx", b""), "文件为空"),
    (SimpleUploadedFile("fake.xlsx", "统一社会信用代码".encode("gbk")), "不是有效的 xlsx"),
    (SimpleUploadedFile("corrupt.xlsx", b"PK\x03\x04" + b"\x00" * 100), "xlsx"),
])
def test_unreadable_files_are_refused_with_a_reason(officer, upload, words):
    with pytest.raises(ImportFileError) as err:
        enterprise_import_run(upload=upload, by=officer)
    assert words in err.value.message_dict["file"][0]


def test_wrong_headings_are_named(officer):
    upload = xlsx_upload([["x"]], headings=["统一社会信用代码", "公司名", "主体类型", "行业代码", "所属区域"])
    with pytest.raises(ImportFileError) as err:
        enterprise_import_run(upload=upload, by=officer)
    message = err.value.message_dict["file"][0]
    assert "缺少列：企业名称" in message and "无法识别的列：公司名" in message


def test_header_only_file_is_refused(officer):
    with pytest.raises(ImportFileError) as err:
        enterprise_import_run(upload=xlsx_upload([]), by=officer)
    assert "没有数据行" in err.value.message_dict["file"][0]


@override_settings(QCITY_MAX_UPLOAD_BYTES=1000)
def test_oversized_file_is_refused(officer):
    with pytest.raises(ImportFileError) as err:
        enterprise_import_run(upload=xlsx_upload([import_row() for _ in range(50)]), by=officer)
    assert "文件过大" in err.value.message_dict["file"][0]


def test_exported_file_imports_back(make_user, district, client):
    office = make_user(Role.LEADERSHIP_OFFICE)
    EnterpriseFactory(org_unit=district, name="郑州往返测试有限公司", established_on="2010-05-06")
    client.force_login(office)
    content = client.get("/enterprises/", {"export": "xlsx"}).getvalue()
    Enterprise.objects.all().delete()
    record = enterprise_import_run(upload=SimpleUploadedFile("export.xlsx", content), by=office)
    assert record.status == EnterpriseImportStatus.IMPORTED, record.errors
    restored = Enterprise.objects.get()
    assert (restored.name, str(restored.established_on)) == ("郑州往返测试有限公司", "2010-05-06")


def test_queued_import_is_processed_by_the_job(officer, django_capture_on_commit_callbacks):
    from qcity.enterprises.imports import enterprise_import_submit

    with django_capture_on_commit_callbacks(execute=True):
        record = enterprise_import_submit(upload=xlsx_upload([import_row(), import_row()]), by=officer)
    record.refresh_from_db()
    assert (record.status, record.imported_rows) == (EnterpriseImportStatus.IMPORTED, 2)


def test_submit_refuses_wrong_headings_at_once_and_queues_nothing(officer):
    from qcity.enterprises.imports import enterprise_import_submit
    from qcity.enterprises.models import EnterpriseImport

    with pytest.raises(ImportFileError):
        enterprise_import_submit(upload=xlsx_upload([["a"]], headings=["x"]), by=officer)
    assert not EnterpriseImport.objects.exists()


def test_good_rows_only_after_a_rejection(officer, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    from qcity.enterprises.imports import enterprise_import_good_rows, enterprise_import_submit

    with django_capture_on_commit_callbacks(execute=True):
        record = enterprise_import_submit(upload=xlsx_upload([import_row()]), by=officer)
    record.refresh_from_db()
    with pytest.raises(ValidationError):
        enterprise_import_good_rows(previous=record, by=officer)


# --- upload safety: zip bombs and the capped reader (qcity.core.uploads, qcity.core.sheets) -------------


def test_api_refuses_a_zip_bomb_before_any_reader_opens_it(make_user, district, api_for, monkeypatch):

    import python_calamine

    from qcity.core.tests.uploads import bomb_xlsx

    def never(*args, **kwargs):
        raise AssertionError("calamine was asked to read the bomb")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    bomb = SimpleUploadedFile("enterprises.xlsx", bomb_xlsx())
    response = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district)).post(
        "/api/enterprise-imports/", {"file": bomb}, format="multipart")
    assert response.status_code == 400 and "解压后过大" in response.json()["file"][0]
    assert "200 MB" in response.json()["file"][0]


@override_settings(QCITY_IMPORT_INPROCESS_BYTES=0)
def test_a_large_file_is_checked_and_imported_by_the_job_in_a_capped_child(make_user, district, api_for,
                                                                           django_capture_on_commit_callbacks):
    # given a file over the in-process threshold: its headings are not read in the request
    client = api_for(make_user(Role.DISTRICT_OFFICER, org_unit=district))
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post("/api/enterprise-imports/", {"file": xlsx_upload([import_row(), import_row()])},
                             format="multipart")
    assert queued.status_code == 202
    # then the job reads it in the child and imports it, and wrong headings become a failed import
    assert client.get(f"/api/enterprise-imports/{queued.json()['id']}/").json()["status"] == EnterpriseImportStatus.IMPORTED
    assert Enterprise.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        wrong = client.post("/api/enterprise-imports/", {"file": xlsx_upload([["x"]], headings=["名称"])},
                            format="multipart")
    record = client.get(f"/api/enterprise-imports/{wrong.json()['id']}/").json()
    assert record["status"] == EnterpriseImportStatus.FAILED and "表头错误" in record["errors"][0]["message"]


def test_a_file_over_the_memory_ceiling_fails_its_import_with_a_reason(officer, settings, tmp_path):
    from django.core.files.base import ContentFile

    from qcity.core.tests.uploads import bomb_xlsx
    from qcity.enterprises.imports import enterprise_import_process
    from qcity.enterprises.models import EnterpriseImport

    # given a stored file that passes the zip checks but needs more memory than the ceiling allows
    settings.MEDIA_ROOT = tmp_path
    settings.QCITY_IMPORT_INPROCESS_BYTES = 0
    settings.QCITY_IMPORT_MEMORY_LIMIT_BYTES = 128 * 1024 * 1024
    settings.QCITY_UPLOAD_MAX_COMPRESSION_RATIO = 10_000
    record = EnterpriseImport(file_name="big.xlsx", created_by=officer, status=EnterpriseImportStatus.QUEUED)
    record.stored_file.save("big.xlsx", ContentFile(bomb_xlsx(80 * 1024 * 1024)), save=True)
    # when the job runs, then the import fails with a message, and this process carries on
    record = enterprise_import_process(record=record)
    assert record.status == EnterpriseImportStatus.FAILED
    assert "内存" in record.errors[0]["message"] and "拆分" in record.errors[0]["message"]
