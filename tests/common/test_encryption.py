"""Names, ID numbers and record content are encrypted at rest, in the tables and in their history."""
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from common import crypto
from sealing.models import Person, Record
from tests.cast import defendant_data, enter_case

NAME, CONTENT = "欧阳明月", "被告人欧阳明月于2024年1月10日在越秀区盗窃手机一部，价值人民币3000元。"


def raw_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (fixed table names)
        return [" ".join(str(v) for v in row) for row in cursor.fetchall()]


def test_raw_rows_hold_no_plaintext(cast):
    case, record = enter_case(cast.clerk_a, defendants=[defendant_data(name=NAME)], content=CONTENT)
    id_number = case.defendants.get().person.id_number
    tables = ["sealing_person", "sealing_historicalperson", "sealing_record", "sealing_historicalrecord"]
    dump = "\n".join(row for table in tables for row in raw_rows(table))
    assert dump, "the tables are empty: the test would prove nothing"
    for secret in (NAME, id_number, CONTENT, CONTENT[:12], id_number[:14]):
        assert secret not in dump
    # and the application reads them back
    assert Person.objects.get().name == NAME and Record.objects.get().content == CONTENT


def test_blind_index_is_keyed_and_deterministic(settings):
    first = crypto.blind_index("11010519491231002X")
    assert first == crypto.blind_index("11010519491231002X")
    settings.BLIND_INDEX_KEY = "another key"
    assert crypto.blind_index("11010519491231002X") != first


def test_keys_rotate_without_losing_data(cast, settings):
    enter_case(cast.clerk_a, defendants=[defendant_data(name=NAME)], content=CONTENT)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert Person.objects.get().name == NAME  # old rows still readable
    call_command("rotate_field_keys", verbosity=0)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key retired
    assert Person.objects.get().name == NAME and Record.objects.get().content == CONTENT
    assert Person.history.first().name == NAME


def test_key_rotation_takes_the_uploads_and_documents_too(cast, settings):
    """Bytes (uploads, issued PDFs) are re-encrypted as well: once the old key is retired they still open."""
    import hashlib

    from queries.models import Attachment
    from tests.oversight.test_scans import certificate_request

    request = certificate_request(cast.clerk_a)
    pdf = b"%PDF-1.4 the applicant's letter"
    Attachment.objects.create(request=request, kind=Attachment._meta.get_field("kind").choices[0][0],
                              filename="letter.pdf", content_type="application/pdf", size=len(pdf),
                              sha256=hashlib.sha256(pdf).hexdigest(), data=pdf, uploaded_by=cast.clerk_a)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_field_keys", verbosity=0)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key retired
    assert bytes(Attachment.objects.get().data) == pdf
    settings.FIELD_ENCRYPTION_KEYS = [old_key]  # and the old key alone no longer opens it
    try:
        Attachment.objects.get().data
    except ValueError:
        pass
    else:
        raise AssertionError("the attachment is still under the old key")
