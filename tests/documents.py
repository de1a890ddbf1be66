"""Small real documents, and files that only pretend to be, for upload and download tests."""

import io
import zipfile

# A one-page PDF: header, catalogue, pages, page, cross-reference table, trailer.
MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n"
    b"0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def zipped(entries: dict[str, bytes], *, encrypted: bool = False) -> bytes:
    """A ZIP of the entries, in order; `encrypted` sets the flag readers refuse without a key."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            # ODF keeps `mimetype` uncompressed, so it can be read at a fixed place.
            stored = name == "mimetype" or encrypted
            archive.writestr(name, content, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    data = bytearray(buffer.getvalue())
    if encrypted:
        # zipfile cannot encrypt; set bit 0 of the flags in each local and central header.
        # (Everything is stored, so the signatures cannot turn up inside compressed data.)
        for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            start = data.find(signature)
            while start != -1:
                data[start + flags_at] |= 0x1
                start = data.find(signature, start + 4)
    return bytes(data)


def docx(**extra: bytes) -> bytes:
    """The parts Word needs to find the document's body, plus any extra ones."""
    return zipped(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
            **extra,
        }
    )


def odt(mimetype: bytes = ODT_MIMETYPE) -> bytes:
    """An OpenDocument text file: `mimetype` first and stored, then its content and manifest."""
    return zipped(
        {
            "mimetype": mimetype,
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
        }
    )


def pdf(*, pages: int = 1, padding: int = 0) -> bytes:
    """A well-formed PDF of `pages` blank A4 pages, made `padding` bytes longer by a stream."""
    kids = " ".join(f"{4 + n} 0 R" for n in range(pages))
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode(),
        b"<</Length %d>>stream\n" % padding + bytes(padding) + b"\nendstream",
        *(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>" for _ in range(pages)),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
