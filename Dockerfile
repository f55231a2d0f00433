# The API, built from source. SQLite and libpq are compiled in (bundled), so the runtime
# image needs no database client libraries.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p api --locked

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app wtxa
WORKDIR /app
COPY --from=build /src/target/release/api /usr/local/bin/api
USER wtxa
ENV HOST=0.0.0.0 PORT=8080 LOG_FORMAT=json APP_ENV=production
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["/usr/local/bin/api"]
CMD ["serve"]
