# Woonbrug application image: gunicorn for the web, the same image runs Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy \
    PATH="/opt/venv/bin:$PATH"

# Pango/Cairo for PDF rendering (agreements, minutes); curl for healthchecks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# Collected with the production settings (DEBUG off), so the manifest of hashed names exists and
# every file a stylesheet or script refers to is checked. The secrets here exist only for this
# build step: the settings refuse to load without them; the running container gets its own.
RUN DEBUG=false SECRET_KEY=collectstatic-build-only \
    FIELD_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1idWlsZC1vbmx5LW5vdC1hLWs= \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 woonbrug && mkdir -p /app/media && chown woonbrug /app/media
USER woonbrug

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn.py"]
