"""What an upload may be (application documents, confidentiality undertakings, objections): a PDF, JPEG or
PNG, recognised by its first bytes and not only by its name, at most FENGCUN_UPLOAD_MAX_BYTES (10 MiB)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# content type -> (magic prefixes, allowed extensions); settings.FENGCUN_UPLOAD_TYPES may narrow the list
TYPES = {
    "application/pdf": ((b"%PDF-",), (".pdf",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
}
ACCEPT = ",".join(ext for _magic, exts in TYPES.values() for ext in exts)


class UploadRejected(ValueError):
    """The upload is not one of the accepted types or is too large; the message says which (translated)."""


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def max_bytes() -> int:
    return int(getattr(settings, "FENGCUN_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES) or DEFAULT_MAX_BYTES)


def accepted() -> dict[str, tuple[str, ...]]:
    """content type -> extensions accepted: the settings' list, limited to the types recognised here by content."""
    configured = getattr(settings, "FENGCUN_UPLOAD_TYPES", None) or {t: exts for t, (_m, exts) in TYPES.items()}
    return {t: tuple(e.lower() for e in exts) for t, exts in configured.items() if t in TYPES}


def sniff(data: bytes) -> str | None:
    """The content type the first bytes show, or None."""
    for content_type, (magics, _exts) in TYPES.items():
        if any(data.startswith(magic) for magic in magics):
            return content_type
    return None


def check(upload) -> CheckedUpload:
    """Read an uploaded file (Django's UploadedFile or anything with .name, .size and .read()) and accept it
    only when its name and its content agree on PDF, JPEG or PNG and it is within the size limit."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadRejected(_("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(_("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    if not data:
        raise UploadRejected(_("The file is empty."))
    name = PurePath(getattr(upload, "name", "") or "upload").name[:120]
    extension = PurePath(name).suffix.lower()
    content_type = sniff(data)
    if content_type is None or extension not in accepted().get(content_type, ()):
        raise UploadRejected(_("Only PDF, JPG or PNG files are accepted, and the content must match the name."))
    return CheckedUpload(filename=name, content_type=content_type, data=bytes(data))
