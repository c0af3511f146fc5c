# The one image every Skein service runs from: its arguments pick the service, as on the command
# line (`serve admin`, `serve propeller`, ...; see deploy/k8s). Build it from the repository root:
#   docker build -t skein:latest .
FROM node:20-bookworm-slim
WORKDIR /opt/skein
COPY . .
# Installs the locked dependencies and builds every workspace (the same step `npm start` runs).
RUN node scripts/bootstrap.mjs --build && npm cache clean --force
# Task attempts and embedded state live here unless SKEIN_DATA_DIR says otherwise.
RUN mkdir -p /var/lib/skein && chown node:node /var/lib/skein
ENV SKEIN_DATA_DIR=/var/lib/skein
USER node
ENTRYPOINT ["node", "/opt/skein/packages/cli/bin/skein.js"]
