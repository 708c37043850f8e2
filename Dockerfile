# syntax=docker/dockerfile:1
#
# One image holding both services (they share packages/ and one lockfile). The final stages only
# choose the default command:
#   docker build --target control-plane -t sre-platform/control-plane .
#   docker build --target sre-assistant -t sre-platform/sre-assistant .
# The Helm chart runs a single image and sets the command of each Deployment explicitly, so
# either tag works there. Migrations: `npm run db:migrate` in the same image.
#
# The services run their TypeScript sources through tsx (`node --import tsx`), so tsx must be a
# production dependency: the runtime stage installs production dependencies only.

ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# Only the manifests, so the dependency layers are rebuilt only when they change. Every workspace
# listed in package.json must be copied here (deploy/deploy.test.ts checks it).
FROM base AS manifests
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY packages/auth/package.json packages/auth/
COPY packages/db/package.json packages/db/
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/victoriametrics/package.json packages/victoriametrics/
COPY services/control-plane/package.json services/control-plane/
COPY services/sre-assistant/package.json services/sre-assistant/

# Lifecycle scripts are skipped: the root postinstall builds CSS from sources not copied yet.
FROM manifests AS build-dependencies
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts

FROM build-dependencies AS build
COPY tsconfig.json ./
COPY contracts contracts
COPY packages packages
COPY services services
RUN npm run build:css --workspace services/control-plane

FROM manifests AS production-dependencies
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
RUN node --import tsx --eval '' \
 || { echo 'tsx must be a production dependency: the services start with node --import tsx' >&2; exit 1; }

FROM base AS runtime
# Inside a container the services listen on every interface of the container's own network
# namespace; what is reachable from outside is decided by published ports or Kubernetes Services.
ENV NODE_ENV=production \
    CONTROL_PLANE_HOST=0.0.0.0 \
    ASSISTANT_HOST=0.0.0.0
# Root-owned and read-only for the `node` user that runs the services.
COPY --from=production-dependencies /app ./
COPY tsconfig.json ./
COPY contracts contracts
COPY packages packages
COPY services services
COPY --from=build /app/services/control-plane/public/build services/control-plane/public/build
# tsx keeps its transform cache in the temporary directory, which must stay writable (an
# emptyDir on Kubernetes, where the root filesystem is read-only).
USER node
EXPOSE 8080 8081

FROM runtime AS sre-assistant
CMD ["node", "--import", "tsx", "services/sre-assistant/src/main.ts"]

# Last, so it is what a plain `docker build .` produces.
FROM runtime AS control-plane
CMD ["node", "--import", "tsx", "services/control-plane/src/main.ts"]
