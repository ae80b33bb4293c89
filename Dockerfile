# One image for web, worker, beat and the one-shot migration (docker-compose.yml).
FROM python:3.11.14-slim-bookworm

# WeasyPrint's libraries (libharfbuzz-subset0 keeps CJK font subsetting fast) and the CJK fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATA_DIR=/data STATIC_ROOT=/app/staticfiles PROMETHEUS_MULTIPROC_DIR=/tmp/metrics
WORKDIR /app
# Python packages only from the lock (exact versions, hashes checked); the development and local
# extras (test tools, the embedded PostgreSQL, honcho) are not in requirements/production.txt.
COPY requirements/production.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --disable-pip-version-check --require-hashes -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt
# .dockerignore keeps out .venv, .git, .data (the development keys and secret_key), tests, keys.
COPY . .
# Static files are collected into the image at build time (hashed names, compressed copies). The
# settings need a database address and a key to load, not to collect: these exist for this step.
RUN DATABASE_URL=postgres://build@localhost:1/build SECRET_KEY=collectstatic-at-build-time \
    DATA_DIR=/tmp/build-data python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-data
# A fixed uid, so that the keys folder on the host can be given to it (docs/operations.md).
RUN useradd --system --uid 10001 --home /app titles \
    && mkdir -p /data /tmp/metrics && chown titles /data /tmp/metrics
USER titles
EXPOSE 8000
# Exec form: gunicorn is the container's main process and gets SIGTERM itself (a graceful stop).
CMD ["gunicorn", "--config", "python:titles.gunicorn_conf", "titles.wsgi"]
