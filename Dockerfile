# LogoutEnricher: docker build -t logoutenricher .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so that the layer is reused while only code changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/LogoutEnricher.Storage/LogoutEnricher.Storage.csproj src/LogoutEnricher.Storage/
COPY src/LogoutEnricher.Storage.Sqlite/LogoutEnricher.Storage.Sqlite.csproj src/LogoutEnricher.Storage.Sqlite/
COPY src/LogoutEnricher/LogoutEnricher.csproj src/LogoutEnricher/
RUN dotnet restore src/LogoutEnricher/LogoutEnricher.csproj --use-current-runtime -p:PublishReadyToRun=true
COPY src/ src/
# Note: ReadyToRun (precompiled code, JIT only for what tiering re-optimises) cuts the CPU time from start to ready by
# about a fifth (ADR 0017, docs/PERFORMANCE.md); framework-dependent, for the image's own architecture.
RUN dotnet publish src/LogoutEnricher/LogoutEnricher.csproj -c Release --no-restore --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# SQLite (the default store) keeps its database and its generated encryption key here: mount a volume.
RUN mkdir -p /app/data && chown -R app:app /app/data
VOLUME /app/data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    LogoutEnricher__Logging__ConsoleFormat=Json
EXPOSE 8080
USER app
# The image has no curl or wget; bash's /dev/tcp is enough to ask the liveness endpoint.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "LogoutEnricher.dll"]
