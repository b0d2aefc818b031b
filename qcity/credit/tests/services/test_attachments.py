"""Credit services: the documents of a repair application (both required) and of an objection (optional),
checked by content and size before anything is written."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import override_settings

from qcity.credit.choices import CreditAttachmentKind
from qcity.credit.demo import placeholder_pdf
from qcity.credit.models import CreditAttachment, CreditObjection, CreditRepair
from qcity.credit.services import abnormal_list_enter, credit_repair_apply, objections, repairs
from qcity.credit.services.attachments import attachments_check

from ..factories import TODAY, repair_documents

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


@pytest.fixture
def listing(enterprise, officer):
    return abnormal_list_enter(
        enterprise=enterprise,
        reason="unreachable",
        decided_on=TODAY,
        decision_authority="金水区局",
        by=officer,
        today=TODAY,
    )


def _apply(enterprise, listing, owner, **documents):
    return credit_repair_apply(
        enterprise=enterprise,
        kind="abnormal_list_removal",
        list_entry=listing,
        by=owner,
        today=TODAY,
        compliance_proof="已变更住所",
        commitment_letter="本企业承诺",
        **{**repair_documents(), **documents},
    )


def test_a_repair_application_stores_both_documents_under_their_names(enterprise, listing, owner):
    # when the enterprise applies with a photographed proof (PNG) and a scanned letter (PDF)
    application = _apply(
        enterprise,
        listing,
        owner,
        compliance_proof_file=ContentFile(PNG, name="回执.png"),
        commitment_letter_file=placeholder_pdf("信用承诺书.pdf"),
    )
    # then both are kept, with the enterprise's file names, for the enterprise
    stored = {a.kind: a for a in application.attachments.all()}
    assert set(stored) == {CreditAttachmentKind.COMPLIANCE_PROOF, CreditAttachmentKind.COMMITMENT_LETTER}
    assert stored["compliance_proof"].original_name == "回执.png"
    assert stored["compliance_proof"].file.read() == PNG
    assert {a.enterprise_id for a in stored.values()} == {enterprise.pk}


@pytest.mark.parametrize("field", ["compliance_proof_file", "commitment_letter_file"])
def test_a_repair_without_one_of_its_documents_is_refused_naming_it(enterprise, listing, owner, field):
    # when the enterprise applies without one of the two documents
    with pytest.raises(ValidationError) as error:
        _apply(enterprise, listing, owner, **{field: None})
    # then the refusal names that field, and nothing is written
    assert list(error.value.message_dict) == [field]
    assert not CreditRepair.objects.exists() and not CreditAttachment.objects.exists()


@pytest.mark.parametrize(
    ("upload", "says"),
    [
        (ContentFile(EXE, name="承诺书.pdf"), "不是有效的 pdf 文件"),  # an executable renamed .pdf
        (ContentFile(b"", name="承诺书.pdf"), "文件为空"),
        (ContentFile(PNG, name="承诺书.exe"), "不接受"),
        (ContentFile(b"<html><script>alert(1)</script></html>", name="承诺书.png"), "不是有效的 png 文件"),
    ],
)
def test_a_bad_document_is_refused_naming_the_field_and_nothing_is_written(
    enterprise, listing, owner, upload, says
):
    # when the commitment letter is not what its name says, empty, or of a type not accepted
    with pytest.raises(ValidationError) as error:
        _apply(enterprise, listing, owner, commitment_letter_file=upload)
    # then the refusal names the field and why; no application, no document
    assert list(error.value.message_dict) == ["commitment_letter_file"]
    assert says in error.value.message_dict["commitment_letter_file"][0]
    assert not CreditRepair.objects.exists() and not CreditAttachment.objects.exists()


@override_settings(QCITY_MAX_UPLOAD_BYTES=500)
def test_a_document_over_the_size_limit_is_refused():
    # given an upload limit of 500 bytes; when a 600-byte PDF is checked
    errors = attachments_check({CreditAttachmentKind.COMPLIANCE_PROOF: placeholder_pdf("proof.pdf")})
    # then it is refused as too big, on its field
    assert list(errors) == ["compliance_proof_file"] and "文件过大" in errors["compliance_proof_file"][0]


def test_jpeg_is_accepted():
    assert (
        attachments_check({CreditAttachmentKind.OBJECTION_EVIDENCE: ContentFile(JPEG, name="photo.jpg")})
        == {}
    )


def _broken(**kwargs):
    raise RuntimeError("notifying failed")


def test_a_repair_failing_after_its_documents_were_written_leaves_no_file(
    enterprise, listing, owner, settings, tmp_path, monkeypatch
):
    # given an empty media directory, and telling the deciders (after the documents are written) fails
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(repairs, "notify", _broken)
    # when the enterprise applies with both documents
    with pytest.raises(RuntimeError):
        _apply(enterprise, listing, owner)
    # then the application, its rows and its files are all gone
    assert not CreditRepair.objects.exists() and not CreditAttachment.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_an_objection_failing_after_its_evidence_was_written_leaves_no_file(
    enterprise, listing, owner, settings, tmp_path, monkeypatch
):
    # given a published listing, and telling the deciders (after the evidence is written) fails
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(objections, "notify", _broken)
    # when the enterprise objects with an evidence file
    with pytest.raises(RuntimeError):
        objections.credit_objection_file(
            grounds="已补报年报",
            list_entry=listing,
            evidence_file=placeholder_pdf("证明.pdf"),
            by=owner,
            today=TODAY,
        )
    # then neither the objection nor its file is left
    assert not CreditObjection.objects.exists() and not CreditAttachment.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
