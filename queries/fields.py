"""Binary content encrypted at rest (uploads, issued PDFs): the field lives in common/fields.py, where sealing,
queries and oversight all reach it; this name stays for the migrations that import it from here."""
from common.fields import EncryptedBinaryField  # noqa: F401
