# One recipe for every Löfte service; the SERVICE build argument decides which
# one goes into the image. The build context is the repository root:
#   docker build -f infra/docker/service.Dockerfile \
#     --build-arg SERVICE=metrics --build-arg PORT=8002 -t lofte-metrics .
# docker-compose.yml passes both arguments for each service.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# A fixed numeric id, so a securityContext or a volume's owner can name it.
RUN groupadd --system --gid 10001 lofte \
 && useradd --system --uid 10001 --gid lofte --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin lofte

# Dependencies before code: this layer is the same for all three services and
# survives every code change.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --no-cache-dir -r requirements/runtime.txt

# Declared only now, so that their values do not invalidate the layers above.
ARG SERVICE
ARG PORT
# Without SERVICE the COPY below would read "services//" and bring in every
# service, which is exactly what these images must not contain.
RUN test -n "$SERVICE" && test -n "$PORT" || { \
      echo "build with --build-arg SERVICE=<activities|metrics|notifications|public> --build-arg PORT=<its HTTP port>" >&2; \
      exit 1; }

# The public site lays out its reports as PDF with WeasyPrint, which needs Pango; no other
# service does.
RUN if [ "$SERVICE" = public ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
      && rm -rf /var/lib/apt/lists/*; \
    fi

# The shared kernel and this one service only: inside the image a service
# cannot import another.
COPY shared/ shared/
COPY services/__init__.py services/__init__.py
COPY services/${SERVICE}/ services/${SERVICE}/

ENV LOFTE_SERVICE=${SERVICE} \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=${PORT}

# A folder the service may write to (the public site keeps its last figures there); a
# volume mounted on it takes this owner.
RUN install -d -o lofte -g lofte /var/lib/lofte

USER lofte
EXPOSE ${PORT}

# No curl in slim. HTTP_PORT is read when the check runs, so a port changed
# with -e HTTP_PORT=... is still the one checked.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['HTTP_PORT'] + '/health', timeout=4)"]

# The exec form cannot expand a variable, hence sh; its `exec` leaves Python as
# PID 1, so SIGTERM from `docker stop` reaches uvicorn's graceful shutdown.
CMD ["sh", "-c", "exec python -m \"services.${LOFTE_SERVICE}\""]
