# syntax=docker/dockerfile:1
# Production image: gunicorn serving the site, whitenoise serving its static files.
# Migrations are a separate release step (see README), not part of CMD.

FROM python:3.11-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.lock ./
RUN python -m venv /venv \
    && /venv/bin/pip install --requirement requirements.lock

FROM python:3.11-slim-bookworm
ENV PATH="/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=oversight.settings
# WeasyPrint (PDFs of the updates) needs Pango, HarfBuzz's subsetter and a font.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system app && useradd --system --gid app --home-dir /app app
WORKDIR /app
COPY --from=builder /venv /venv
COPY --chown=app:app . .
# collectstatic imports the settings, which need a secret: a throwaway one, for this step only.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && mkdir -p /app/media && chown app:app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "oversight.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
