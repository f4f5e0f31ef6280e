# The prachum image used by docker-compose.yml (API, ingest worker, and the Chroma server).
# Not built in this repository's CI (no Docker there).
FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-tha \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY prachum ./prachum
COPY corpus ./corpus
RUN pip install --no-cache-dir '.[pg]'
# the package is installed into site-packages: point it at the project data copied above
ENV PRACHUM_CORPUS_DIR=/app/corpus PRACHUM_DATA_DIR=/data ANONYMIZED_TELEMETRY=False
EXPOSE 8000
CMD ["prachum", "serve", "--host", "0.0.0.0", "--port", "8000"]
