# syntax=docker/dockerfile:1
# cadagent in a container: Debian 13 (trixie) with Debian's FreeCAD 1.0 (freecad-python3) and
# Node 20, cadagent packed and installed the way tests/integration/package/ installs it (npm pack,
# then npm install -g --prefix of the tarball), running as a non-root user.
#
#   docker build -t cadagent .
#   docker run --rm -v "$PWD:/work" cadagent build /work/part.cad.json -o /work/out
#   docker run --rm -v "$PWD:/work" -e ANTHROPIC_API_KEY cadagent "a 60x40x5 mm plate" -o /work/out
#
# On Linux, add --user "$(id -u):$(id -g)" so the files written to /work are yours (the image works
# under any uid: HOME and FreeCAD's user folder are in /tmp).

# ---- build: compile and pack ------------------------------------------------------------------
FROM debian:trixie-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: nothing to build yet (prepare would find no sources), and no dependency needs one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json README.md api_keys.example.json ./
COPY scripts/ scripts/
COPY src/ src/
COPY providers/ providers/
COPY prompts/ prompts/
COPY examples/ examples/
RUN npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && npm install --global --prefix /opt/cadagent /tmp/cadagent-*.tgz --no-audit --no-fund

# ---- runtime: FreeCAD, Node and the installed package -------------------------------------------
FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends freecad-python3 nodejs fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --no-create-home --home-dir /tmp --shell /usr/sbin/nologin cadagent
COPY --from=build /opt/cadagent /opt/cadagent
ENV PATH=/opt/cadagent/bin:$PATH \
    HOME=/tmp \
    FREECAD_USER_HOME=/tmp/freecad-user \
    CADAGENT_HOME=/tmp/cadagent \
    FREECAD_CMD=/usr/bin/freecadcmd \
    LANG=C.UTF-8
# Arguments go to cadagent; a first argument that is a shell or an absolute path runs as is, for
# orchestrators that cannot override the entrypoint but need a shell to expand a variable in a path
# (AWS Batch: sh -c 'cadagent batch … -o /mnt/data/results/shard-$AWS_BATCH_JOB_ARRAY_INDEX').
RUN printf '%s\n' '#!/bin/sh' 'case "$1" in sh|bash|/*) exec "$@" ;; esac' 'exec cadagent "$@"' \
      > /usr/local/bin/cadagent-entrypoint \
 && chmod 755 /usr/local/bin/cadagent-entrypoint
USER cadagent
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/cadagent-entrypoint"]
CMD ["--help"]
