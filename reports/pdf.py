"""PDF of a publication. (Stub: being written.)"""

from reports.models import Publication


def publication_pdf(publication: Publication) -> bytes:
    raise NotImplementedError
