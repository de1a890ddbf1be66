"""
ASGI config for oversight project.

It exposes the ASGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")

django_application = get_asgi_application()

# Imported once Django is set up. Django's ASGI handler reads a whole body before any
# middleware runs: this refuses one larger than its page accepts before it is read.
from oversight.middleware import RequestSizeLimitASGIMiddleware  # noqa: E402

application = RequestSizeLimitASGIMiddleware(django_application)
