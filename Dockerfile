FROM python:3.11-slim-bookworm

# WeasyPrint's libraries (libharfbuzz-subset0 keeps CJK font subsetting fast) and the CJK fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data
WORKDIR /app
# Python packages only from the lock (exact versions, hashes checked); the development and local
# extras (test tools, the embedded PostgreSQL, honcho) are not in requirements/production.txt.
COPY requirements/production.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --disable-pip-version-check --require-hashes -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt
COPY . .
RUN useradd --system --home /app titles && mkdir -p /data && chown titles /data
USER titles
EXPOSE 8000
CMD ["gunicorn", "titles.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
