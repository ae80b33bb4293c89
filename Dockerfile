FROM python:3.11-slim-bookworm

# WeasyPrint's libraries (libharfbuzz-subset0 keeps CJK font subsetting fast) and the CJK fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e . \
    && useradd --system --home /app titles && mkdir -p /data && chown titles /data
USER titles
EXPOSE 8000
CMD ["gunicorn", "titles.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
