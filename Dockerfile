# The platform's API, worker and migration image (docker-compose.temporal.yml runs it with different commands).
FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsx scripts/build-workflows.ts
# The portals (web/ → dist/web), served by the API at /.
RUN node --import tsx scripts/build-web.ts
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 TEMPORAL_EMBEDDED=false DATA_DIR=/app/data
RUN mkdir -p /app/data && chown node:node /app/data
EXPOSE 8080
USER node
# node itself runs the entry point (no npx/tsx wrapper), so the stop signal reaches the process that works.
CMD ["node", "--import", "tsx", "api/main.ts"]
