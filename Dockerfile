# One multi-stage build for every Inkstream image: the project is compiled once, then each service
# gets a small runtime image with its own classpath.
#   docker build --target gateway -t inkstream/gateway .
#   (targets: gateway, classifier, sink, cli; docker compose builds them all)
# A service's entry point is its Main, which `inkstream run gateway|classifier|sink` also runs: the
# options after the image name are the same (docker run inkstream/sink --bootstrap ... --cassandra ...).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY pipeline-contract pipeline-contract
COPY service-ops service-ops
COPY mnist-data mnist-data
COPY digit-image digit-image
COPY digit-model digit-model
COPY cassandra-node-runtime cassandra-node-runtime
COPY local-infra local-infra
COPY pipeline-testkit pipeline-testkit
COPY classifier-stream classifier-stream
COPY prediction-store prediction-store
COPY sink-cassandra sink-cassandra
COPY ingest-gateway ingest-gateway
COPY inkstream-cli inkstream-cli
# Each module's runtime dependencies next to its jar: target/lib.
RUN ./mvnw -B -q package dependency:copy-dependencies -DskipTests -DincludeScope=runtime -DoutputDirectory=target/lib \
      -pl ingest-gateway,classifier-stream,sink-cassandra,inkstream-cli -am \
 && for service in ingest-gateway classifier-stream sink-cassandra inkstream-cli; do \
      mkdir -p /out/$service/lib && cp $service/target/lib/*.jar $service/target/*.jar /out/$service/lib/; \
    done

FROM eclipse-temurin:17-jre AS runtime
# curl for the compose health checks; a user that owns nothing but its state.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/inkstream inkstream
# DL4J: one OpenMP thread per process is fastest on small machines; scale out with more containers.
ENV OMP_NUM_THREADS=1
USER inkstream
WORKDIR /var/lib/inkstream

FROM runtime AS gateway
COPY --from=build /out/ingest-gateway/lib /app/lib
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-cp", "/app/lib/*", "io.inkstream.gateway.Main"]

FROM runtime AS classifier
COPY --from=build /out/classifier-stream/lib /app/lib
EXPOSE 8081
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-cp", "/app/lib/*", "io.inkstream.classifier.Main"]

FROM runtime AS sink
COPY --from=build /out/sink-cassandra/lib /app/lib
EXPOSE 8082
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-cp", "/app/lib/*", "io.inkstream.sink.Main"]

FROM runtime AS cli
COPY --from=build /out/inkstream-cli/lib /app/lib
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-cp", "/app/lib/*", "io.inkstream.cli.InkstreamCli"]
