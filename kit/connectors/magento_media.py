"""Images for Magento: Magento's media API takes the image bytes (base64), not a URL, so the kit downloads them.

A download is bounded in time (connect, read and a total deadline), in size
(:data:`MAX_IMAGE_BYTES`, read in chunks and cut off past it) and in redirects;
only ``http``/``https`` URLs are fetched, without the channel's credentials, and
the type is decided by the file's first bytes (JPEG, PNG or GIF, the types
Magento's image validator accepts), never by the server's ``Content-Type`` alone.
A failure is an :class:`~kit.errors.InputDataError` whose pt-BR message names the
URL and what to fix in the ERP.

File names carry a hash of the URL (``kit-<12 hex>.<ext>``), so a later run
knows which gallery entries the kit made from which URL and never uploads the
same image twice.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from kit.errors import InputDataError

__all__ = ["MAX_IMAGE_BYTES", "Image", "fetch_image", "image_stem", "stem_of_file"]

#: Largest image downloaded: Magento's REST body limit is PHP's post_max_size (8 MB on a stock PHP);
#: base64 makes 4 MiB about 5.6 MB of JSON (inferred: hosts configure it).
MAX_IMAGE_BYTES = 4 * 1024 * 1024
CONNECT_S, READ_S, TOTAL_S = 5.0, 15.0, 30.0
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
#: ImageContentValidator's accepted MIME types and their first bytes.
MAGIC = (
    ("image/jpeg", "jpg", b"\xff\xd8\xff"),
    ("image/png", "png", b"\x89PNG\r\n\x1a\n"),
    ("image/gif", "gif", b"GIF8"),
)
STEM_PREFIX = "kit-"


@dataclass(frozen=True, slots=True)
class Image:
    """A downloaded image: its bytes, MIME type and file extension."""

    content: bytes
    mime: str
    ext: str


def image_stem(url: str) -> str:
    """The gallery file name (without extension) the kit gives the image of ``url``."""
    return STEM_PREFIX + hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


def stem_of_file(path: str) -> str:
    """``/k/i/kit-0a1b2c3d4e5f_1.jpg`` -> ``kit-0a1b2c3d4e5f`` (Magento adds ``_N`` to a name already taken)."""
    name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if name.startswith(STEM_PREFIX) and "_" in name:
        name = name.split("_", 1)[0]
    return name


def _fail(url: str, what: str) -> InputDataError:
    return InputDataError(f"imagem {url}: {what}", hint="corrija a URL da imagem no cadastro do produto no ERP")


def fetch_image(url: str, session: requests.Session) -> Image:
    """Download ``url`` within the bounds above; raise :class:`InputDataError` (pt-BR) when it cannot be used."""
    max_bytes, total_s = MAX_IMAGE_BYTES, TOTAL_S
    if urlsplit(url).scheme not in ("http", "https"):
        raise _fail(url, "só endereços http(s) são baixados")
    deadline = time.monotonic() + total_s
    session.max_redirects = MAX_REDIRECTS
    try:
        with session.get(url, stream=True, timeout=(CONNECT_S, READ_S), headers={"Accept": "image/*"}) as raw:
            if raw.status_code != 200:
                raise _fail(url, f"o servidor respondeu HTTP {raw.status_code}")
            declared = int(raw.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise _fail(url, f"{declared / 1_048_576:.1f} MB; o limite é {max_bytes / 1_048_576:.0f} MB")
            body = bytearray()
            while chunk := raw.raw.read1(CHUNK):  # one socket read each: the deadline holds against a trickle
                body += chunk
                if len(body) > max_bytes:
                    raise _fail(url, f"maior que {max_bytes / 1_048_576:.0f} MB")
                if time.monotonic() > deadline:
                    raise _fail(url, f"o download passou de {total_s:.0f} s")
    except requests.exceptions.RequestException as exc:
        raise _fail(url, f"não foi possível baixar ({type(exc).__name__})") from None
    for mime, ext, magic in MAGIC:
        if bytes(body[: len(magic)]) == magic:
            return Image(bytes(body), mime, ext)
    raise _fail(url, "o arquivo não é uma imagem JPEG, PNG ou GIF")
