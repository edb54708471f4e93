# The production image: gunicorn web, Celery workers and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PALMARES_ENV=production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 1000 --home /app palmares
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs settings that parse; these values exist only during the build.
RUN SECRET_KEY=build ALLOWED_HOSTS=build SITE_URL=http://build DATABASE_URL=sqlite:////tmp/build.sqlite3 S3_BUCKET=build \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv >/dev/null
USER palmares
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
