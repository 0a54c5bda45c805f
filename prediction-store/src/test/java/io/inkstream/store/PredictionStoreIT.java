package io.inkstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.cql.Row;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedInfrastructure.class)
class PredictionStoreIT {
    private static CqlSession session;
    private static PredictionWriter writer;
    private static PredictionReader reader;

    @BeforeAll
    static void schema(CassandraCluster cassandra) {
        session = cassandra.sessionBuilder().build();
        PredictionSchema.apply(session, PredictionSchema.DEFAULT_REPLICATION);
        PredictionSchema.apply(session, PredictionSchema.DEFAULT_REPLICATION); // idempotent
        writer = new PredictionWriter(session);
        reader = new PredictionReader(session);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    /**
     * A closed session's event loops stop after a quarter of a second of quiet, not the 2 s Netty waits for by default: the
     * services' sessions and the tests' both, so that no stop of a service, no CLI command and no node's readiness check
     * waits them out.
     */
    @Test
    void sessionsCloseWithoutNettysTwoSecondsOfQuietAndLeaveNoDriverThreadBehind(CassandraCluster cassandra) {
        assertThat(quietPeriods(session.getContext().getConfig().getDefaultProfile())).as("the tests' sessions")
                .containsOnly(CassandraCluster.SHUTDOWN_QUIET_PERIOD);

        CqlSession service = CassandraSessions.open(List.of(cassandra.contactPoint()), cassandra.localDatacenter(),
                CassandraSessions.Access.NONE, "quiet-close-it");
        assertThat(service.execute("SELECT release_version FROM system.local").one()).isNotNull();
        assertThat(quietPeriods(service.getContext().getConfig().getDefaultProfile())).as("the services' sessions")
                .containsOnly(CassandraCluster.SHUTDOWN_QUIET_PERIOD);
        assertThat(driverThreads("quiet-close-it-")).as("the control: its event loops run while it is open").isNotEmpty();
        service.close();
        assertThat(driverThreadsEndingWithin("quiet-close-it-", Duration.ofSeconds(1))).as("its event loops, once it is closed").isEmpty();

        assertThat(quietPeriods(DriverConfigLoader.fromMap(OptionsMap.driverDefaults()).getInitialConfig().getDefaultProfile()))
                .as("the control: the driver's own default, which application.conf and the tests' settings replace")
                .containsOnly(Duration.ofSeconds(2));
    }

    /** The quiet periods of the I/O and the admin event loops. */
    private static List<Duration> quietPeriods(DriverExecutionProfile profile) {
        return List.of(Duration.of(profile.getInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD),
                        TimeUnit.valueOf(profile.getString(DefaultDriverOption.NETTY_IO_SHUTDOWN_UNIT)).toChronoUnit()),
                Duration.of(profile.getInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD),
                        TimeUnit.valueOf(profile.getString(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_UNIT)).toChronoUnit()));
    }

    /**
     * The driver's threads named {@code prefix} still alive after each was given {@code grace} to end. A Netty event loop
     * completes its termination, and with it the session's close, from inside its own thread just before that thread
     * returns: a fresh-clone build once found one still alive the instant after {@code close()}.
     */
    private static List<String> driverThreadsEndingWithin(String prefix, Duration grace) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith(prefix)) {
                try {
                    thread.join(grace.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while " + thread.getName() + " ended", e);
                }
            }
        }
        return driverThreads(prefix);
    }

    private static List<String> driverThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).toList();
    }

    @Test
    void theSchemaVersionIsRecorded() {
        assertThat(session.execute("SELECT version FROM inkstream.schema_version WHERE component = 'predictions'").one().getInt("version"))
                .isEqualTo(PredictionSchema.VERSION);
    }

    @Test
    void recordsWhyAnAcceptedImageWasRefusedAndReadsItBack() {
        String id = "refused-" + UUID.randomUUID();
        ImageFailure failure = new ImageFailure(id, "preprocess", "no-ink", "the 120 x 120 image has no ink", "gateway",
                Instant.parse("2026-11-25T10:00:00Z"));
        writer.write(failure).toCompletableFuture().join();
        writer.write(failure).toCompletableFuture().join();

        assertThat(reader.failure(id)).contains(failure);
        assertThat(reader.failure("never-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void writingTheSamePredictionTwiceLeavesOneRowPerTable() {
        String model = "m-" + UUID.randomUUID();
        Prediction p = prediction("img-" + UUID.randomUUID(), model, 7, 7, Instant.parse("2026-11-25T10:00:00Z"));
        writer.write(p).toCompletableFuture().join();
        writer.write(p).toCompletableFuture().join();

        assertThat(reader.forImage(p.imageId())).singleElement().satisfies(stored -> {
            assertThat(stored.modelVersion()).isEqualTo(model);
            assertThat(stored.label()).isEqualTo(7);
            assertThat(stored.trueLabel()).isEqualTo(7);
            assertThat(stored.probabilities()).hasSize(10);
            assertThat(stored.classifiedAt()).isEqualTo(p.classifiedAt());
        });
        assertThat(reader.recent(model, 10, Optional.empty()).predictions()).hasSize(1);
    }

    @Test
    void probabilitiesAreOneCellAndRowsWrittenBeforeSchema3KeepTheirList() {
        Prediction p = prediction("img-" + UUID.randomUUID(), "cell-" + UUID.randomUUID(), 2, null, Instant.now());
        writer.write(p).toCompletableFuture().join();
        Row stored = session.execute("SELECT probabilities, class_probabilities FROM inkstream.predictions_by_image WHERE image_id = ?",
                p.imageId()).one();
        assertThat(stored.isNull("probabilities")).as("no list written: no tombstone, no ten cells").isTrue();
        assertThat(stored.getList("class_probabilities", Float.class)).isEqualTo(p.probabilities());

        String legacy = "legacy-" + UUID.randomUUID();
        session.execute("INSERT INTO inkstream.predictions_by_image (image_id, model_version, label, confidence, probabilities) "
                + "VALUES (?, 'seed-old', 4, 0.8, [0.02, 0.02, 0.02, 0.02, 0.8, 0.02, 0.02, 0.02, 0.02, 0.04])", legacy);
        assertThat(reader.forImage(legacy)).singleElement().satisfies(old -> assertThat(old.probabilities()).hasSize(10).contains(0.8f));
    }

    @Test
    void everyModelsAnswerForAnImage() {
        String image = "img-" + UUID.randomUUID();
        writer.write(prediction(image, "seed-x", 3, 3, Instant.now())).toCompletableFuture().join();
        writer.write(prediction(image, "v2-x", 5, 3, Instant.now())).toCompletableFuture().join();
        assertThat(reader.forImage(image)).extracting(StoredPrediction::modelVersion).containsExactlyInAnyOrder("seed-x", "v2-x");
    }

    @Test
    void aCursorEditedOrMadeForAnotherModelIsRefusedNotHandedToCassandra() {
        String model = "cursor-" + UUID.randomUUID();
        String other = "cursor-other-" + UUID.randomUUID();
        Instant start = Instant.parse("2026-11-24T08:00:00Z");
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < 25; i++) { // one day, more than a page of 10
            writes.add(writer.write(prediction("img-" + i, model, 1, 1, start.plusSeconds(i))).toCompletableFuture());
            writes.add(writer.write(prediction("img-" + i, other, 1, 1, start.plusSeconds(i))).toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        String cursor = reader.recent(model, 10, Optional.empty()).next().orElseThrow();
        assertThat(reader.recent(model, 10, Optional.of(cursor)).predictions()).as("the control: its own query takes it").hasSize(10);

        assertThatThrownBy(() -> reader.recent(other, 10, Optional.of(cursor)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not made by this query");
        // Every one-character edit of the paging state is refused as a cursor, or reads this model's rows and nothing else:
        // the partition comes from the query, which the cursor's hash ties it to; Cassandra checks the rest.
        int refused = 0;
        for (int i = cursor.indexOf('.') + 1; i < cursor.length(); i++) {
            String edited = cursor.substring(0, i) + (cursor.charAt(i) == '0' ? '1' : '0') + cursor.substring(i + 1);
            try {
                assertThat(reader.recent(model, 10, Optional.of(edited)).predictions()).as("edited at %d", i)
                        .allSatisfy(p -> assertThat(p.modelVersion()).isEqualTo(model));
            } catch (IllegalArgumentException expected) {
                refused++;
            }
        }
        assertThat(refused).as("edits of the query's hash are refused").isPositive();
        assertThatThrownBy(() -> reader.recent(model, 10, Optional.of("2026-11-24." + "ab".repeat(3000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("characters");
    }

    @Test
    void recentPredictionsComePageByPageNewestFirstAcrossDays() {
        String model = "paged-" + UUID.randomUUID();
        List<CompletableFuture<?>> writes = new ArrayList<>();
        Instant start = Instant.parse("2026-11-23T23:59:00Z");
        for (int i = 0; i < 25; i++) { // 25 predictions a minute apart: they span two days
            writes.add(writer.write(prediction("img-" + i, model, i % 10, i % 10 == 0 ? 1 : i % 10, start.plusSeconds(60L * i)))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();

        List<String> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            PredictionPage page = reader.recent(model, 10, cursor);
            page.predictions().forEach(p -> seen.add(p.imageId()));
            cursor = page.next();
            pages++;
        } while (cursor.isPresent() && pages < 10);

        List<String> newestFirst = new ArrayList<>();
        for (int i = 24; i >= 0; i--) {
            newestFirst.add("img-" + i);
        }
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        assertThat(pages).isGreaterThanOrEqualTo(3);
        assertThat(reader.models()).contains(model);

        ModelAccuracy accuracy = reader.countHistory(model);
        assertThat(accuracy.predictions()).isEqualTo(25);
        assertThat(accuracy.labelled()).isEqualTo(25);
        assertThat(accuracy.correct()).isEqualTo(22); // images 0, 10 and 20 have label 0 but truth 1
    }

    @Test
    void predictionsWrittenTogetherLandInEveryTableWhateverTheirDayOrModel() {
        String model = "many-" + UUID.randomUUID();
        String other = "other-" + UUID.randomUUID();
        Instant start = Instant.parse("2026-11-20T23:00:00Z");
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < 3 * PredictionWriter.HISTORY_BATCH_ROWS + 7; i++) { // several history batches, across midnight
            predictions.add(prediction("many-" + i, i % 5 == 0 ? other : model, i % 10, i % 10, start.plusSeconds(40L * i)));
        }
        CompletableFuture.allOf(writer.write(predictions).stream().map(w -> w.toCompletableFuture()).toArray(CompletableFuture[]::new)).join();

        long mine = predictions.stream().filter(p -> p.modelVersion().equals(model)).count();
        assertThat(reader.countHistory(model).predictions()).isEqualTo(mine);
        assertThat(reader.countHistory(other).predictions()).isEqualTo(predictions.size() - mine);
        assertThat(session.execute("SELECT day FROM inkstream.prediction_days_by_model WHERE model_version = ?", model).all()).hasSize(2);
        for (Prediction p : predictions) {
            assertThat(reader.forImage(p.imageId())).extracting(StoredPrediction::modelVersion).contains(p.modelVersion());
        }
    }

    @Test
    void aHistoryBatchCassandraRefusesFallsBackToOneRowAtATime() {
        // Rows of about 120 KiB (a producer may put a long source header on its images): a batch of 40 is over the node's
        // largest mutation (half a commit-log segment, 4 MiB here) and refused as such; each row alone is fine.
        String model = "large-" + UUID.randomUUID();
        String source = "s".repeat(120 * 1024);
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < PredictionWriter.HISTORY_BATCH_ROWS; i++) {
            Prediction p = prediction("large-" + i + "-" + model, model, 4, 4, Instant.parse("2026-11-21T10:00:00Z").plusMillis(i));
            predictions.add(new Prediction(p.schema(), p.imageId(), p.modelVersion(), p.label(), p.confidence(), p.probabilities(),
                    p.trueLabel(), source, p.submittedAt(), p.classifiedAt()));
        }
        // The negative control: the batch as such is refused by this node.
        assertThatThrownBy(() -> session.execute(com.datastax.oss.driver.api.core.cql.BatchStatement.newInstance(
                com.datastax.oss.driver.api.core.cql.BatchType.UNLOGGED,
                predictions.stream().map(p -> session.prepare("INSERT INTO inkstream.predictions_by_model_day (model_version, day, "
                        + "classified_at, image_id, source) VALUES (?, ?, ?, ?, ?)").bind(p.modelVersion(), PredictionWriter.dayOf(p),
                        p.classifiedAt(), "control-" + p.imageId(), p.source())).toArray(com.datastax.oss.driver.api.core.cql.BoundStatement[]::new))))
                .isInstanceOf(com.datastax.oss.driver.api.core.servererrors.InvalidQueryException.class);

        CompletableFuture.allOf(writer.write(predictions).stream().map(w -> w.toCompletableFuture()).toArray(CompletableFuture[]::new)).join();

        assertThat(reader.countHistory(model).predictions()).isEqualTo(PredictionWriter.HISTORY_BATCH_ROWS);
    }

    @Test
    void liveAccuracyIsTheSumOfTheRunningTalliesAndATallyThatCountedLessNeverOverwritesOne() {
        String model = "tallied-" + UUID.randomUUID();
        assertThat(reader.tally(model, 3)).isEqualTo(PredictionTally.empty(model, 3));
        assertThat(reader.accuracy(model)).isEqualTo(new ModelAccuracy(model, 0, 0, 0));

        PredictionTally partition0 = new PredictionTally(model, 0, 1_000, 900, 800, 700);
        PredictionTally partition1 = new PredictionTally(model, 1, 5, 4, 3, 2);
        writer.write(List.of(partition0, partition1)).toCompletableFuture().join();
        assertThat(reader.tally(model, 0)).isEqualTo(partition0);
        assertThat(reader.accuracy(model)).isEqualTo(new ModelAccuracy(model, 904, 803, 702));

        // A late write of a count that reached less far (a sink that lost the partition, a replay) lands after it: ignored.
        writer.write(List.of(new PredictionTally(model, 0, 999, 899, 799, 699))).toCompletableFuture().join();
        assertThat(reader.tally(model, 0)).isEqualTo(partition0);
        // The control: a count that reached further does replace it.
        PredictionTally further = new PredictionTally(model, 0, 1_001, 901, 801, 701);
        writer.write(List.of(further)).toCompletableFuture().join();
        assertThat(reader.tally(model, 0)).isEqualTo(further);
        assertThat(reader.accuracy(model)).isEqualTo(new ModelAccuracy(model, 905, 804, 703));
    }

    @Test
    void aShadowModelsAnswersAndCountsAreKeptApartFromTheAnswers() {
        String image = "shadowed-" + UUID.randomUUID();
        String shadow = "shadow-" + UUID.randomUUID();
        Instant at = Instant.parse("2026-12-03T10:00:00Z");
        Prediction answer = prediction(image, "active-v1", 7, 7, at);
        Prediction shadowAnswer = prediction(image, shadow, 1, 7, at);
        writer.write(answer).toCompletableFuture().join();
        writer.writeShadow(shadowAnswer, "active-v1", 7).toCompletableFuture().join();

        assertThat(reader.forImage(image)).extracting(StoredPrediction::modelVersion).containsExactly("active-v1");
        assertThat(reader.shadowAnswers(image)).containsExactly(Map.entry(shadow, 1));

        ShadowTally counted = new ShadowTally(shadow, 2, 40, 30, 27, 20, 19);
        writer.writeShadowTallies(List.of(counted, new ShadowTally(shadow, 4, 3, 3, 1, 0, 0))).toCompletableFuture().join();
        writer.writeShadowTallies(List.of(new ShadowTally(shadow, 2, 39, 29, 26, 19, 18))).toCompletableFuture().join(); // counted less: ignored
        assertThat(reader.shadowTally(shadow, 2)).isEqualTo(counted);
        assertThat(reader.shadowTally(shadow, 0)).isEqualTo(ShadowTally.empty(shadow, 0));
        assertThat(reader.shadowAccuracy(shadow)).isEqualTo(new ShadowAccuracy(shadow, 33, 28, 20, 19));
        assertThat(reader.accuracy(shadow).predictions()).as("never in the active models' counts").isZero();
    }

    static Prediction prediction(String image, String model, int label, Integer truth, Instant classifiedAt) {
        List<Float> probabilities = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            probabilities.add(d == label ? 0.91f : 0.01f);
        }
        return new Prediction(Prediction.SCHEMA, image, model, label, 0.91f, probabilities, truth, "test",
                classifiedAt.minusMillis(30), classifiedAt);
    }
}
