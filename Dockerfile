# syntax=docker/dockerfile:1
# Production image: gunicorn serving the site (gunicorn.conf.py), whitenoise its static files.
#
#   docker build -t oversight .
#   docker run --rm --env-file compose.env oversight python manage.py migrate --no-input  # release
#   docker run --env-file compose.env -p 8000:8000 oversight                               # serve
#   docker run --env-file compose.env oversight python manage.py db_worker --no-reload    # send mail
#
# The same image runs the background worker: the site only queues e-mail (password resets and
# every later message) in the database, and `db_worker` sends it. Run at least one next to the
# site; it needs the same environment (DATABASE_URL, EMAIL_URL, DEFAULT_FROM_EMAIL).
#
# Migrations are a separate release step, run once before the new version takes traffic, never
# part of CMD (several containers starting at once would race). See docs/operations.md.

# --- builder: compiles anything that has no wheel; none of it reaches the final image ------
FROM python:3.11-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# Versions are not pinned: Debian's security updates replace them, and the builder's tools
# never reach the final image. The Python dependencies are pinned in requirements.lock.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.lock ./
# --no-deps: the lock lists every package, so pip installs exactly that and nothing else.
RUN python -m venv /venv \
    && /venv/bin/pip install --no-deps --requirement requirements.lock

# --- runtime ---------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PATH="/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=oversight.settings \
    PORT=8000
# WeasyPrint (PDFs of the updates) needs Pango, HarfBuzz's subsetter and a font. Not pinned, so
# a rebuild picks up Debian's security fixes (pinned versions vanish from the mirrors).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
# A system user with a fixed id, so that orchestrators can check it is not root (runAsNonRoot).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app
WORKDIR /app
COPY --from=builder /venv /venv
# The code belongs to root: the service can read it but not change it. Only media is writable.
COPY . .
# collectstatic imports the settings, which need a secret: a throwaway one, for this step only.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && python -m compileall -q oversight recommendations forces reports \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER 10001:10001
EXPOSE 8000
# Unhealthy when the database stops answering; no curl in the slim image, so Python asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]
CMD ["gunicorn", "oversight.wsgi", "-c", "gunicorn.conf.py"]
