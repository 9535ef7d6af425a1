# formrelay in a container: the request relay for a policysite form, for a
# host that runs containers. Build and run (see docs/publishing.md, "The
# request form"):
#
#   docker build -t formrelay .
#   docker run -d --name formrelay -p 127.0.0.1:8025:8025 \
#     -v formrelay-spool:/var/lib/formrelay \
#     -v /etc/formrelay:/etc/formrelay:ro formrelay
#
# /etc/formrelay holds relay.yaml (listen: 0.0.0.0:8025 inside the
# container; spool: /var/lib/formrelay/spool), the site's site.yaml and the
# SMTP password file. The spool holds personal data: keep its volume.

# Stage 1: a static binary, built as make dist builds it.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/policysite/policysite/internal/buildinfo.Version=${VERSION}" \
      -o /out/formrelay ./cmd/formrelay \
 && mkdir -p /out/spool

# Stage 2: nothing but the binary, CA certificates for SMTP over TLS and
# the time zone database, run as an unprivileged user.
FROM gcr.io/distroless/static-debian12:nonroot AS run
COPY --from=build /out/formrelay /usr/local/bin/formrelay
COPY --from=build --chown=65532:65532 --chmod=0700 /out/spool /var/lib/formrelay
USER 65532:65532
VOLUME /var/lib/formrelay
EXPOSE 8025
ENTRYPOINT ["/usr/local/bin/formrelay"]
CMD ["serve", "--config", "/etc/formrelay/relay.yaml"]
