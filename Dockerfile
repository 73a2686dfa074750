FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-liberation poppler-utils procps \
       ocrmypdf tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 app
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY accounts ./accounts
COPY audit ./audit
COPY documents ./documents
COPY people ./people
COPY policies ./policies
COPY reviews ./reviews
COPY outcomes ./outcomes
COPY evidence ./evidence
COPY summaries ./summaries
COPY retention ./retention
COPY demo ./demo
RUN pip install --no-cache-dir .
COPY . .
ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    DATA_DIR=/data \
    PYTHONUNBUFFERED=1
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost OUTCOME_SIGNING_PASSPHRASE=build-only \
    SITE_URL=https://build-only.invalid REDIS_URL=redis://build-only.invalid:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /data && chown app:app /data
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
