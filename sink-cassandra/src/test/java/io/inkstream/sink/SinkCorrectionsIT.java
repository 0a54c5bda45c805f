package io.inkstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.contract.correction.Correction;
import io.inkstream.contract.correction.CorrectionJson;
import io.inkstream.contract.correction.CorrectionKeys;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.Topics;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.store.ImageLabel;
import io.inkstream.store.ModelLabel;
import io.inkstream.store.PeopleAccuracy;
import io.inkstream.store.PredictionReader;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * People's corrections, from the corrections topic into Cassandra, and what each model saw, on the real broker and the real
 * Cassandra node.
 */
@ExtendWith(SharedInfrastructure.class)
class SinkCorrectionsIT {
    private static final byte[] INPUT = new byte[Headers.MODEL_INPUT_BYTES];

    static {
        for (int i = 0; i < INPUT.length; i++) {
            INPUT[i] = (byte) (i * 7);
        }
    }

    @Test
    void correctionsLabelThePredictionsMadeBeforeAndAfterThemTheLatestWinsAndARestartRewritesNothing(KafkaCluster kafka,
                                                                                                     CassandraCluster cassandra) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String first = "first-" + run;
        String second = "second-" + run;
        String third = "third-" + run;
        String x1 = "corrected-" + run + "-1";
        String x2 = "corrected-" + run + "-2";
        SinkConfig config = SinkConfig.defaults(kafka.bootstrapServers(), cassandra.contactPoint()).withHttpPort(0)
                .withGroupId("sink-corrections-" + run);
        SinkIT.ensureTopics(kafka);
        try (CqlSession session = cassandra.sessionBuilder().build(); KafkaProducer<String, byte[]> producer = SinkIT.producer(kafka)) {
            PredictionReader reader;
            try (SinkService sink = SinkService.start(config)) {
                reader = new PredictionReader(session); // once the sink has applied the schema
                ProducerRecord<String, byte[]> withInput = prediction(x1, first, 3);
                withInput.headers().add(Headers.MODEL_INPUT, INPUT);
                producer.send(withInput);
                ProducerRecord<String, byte[]> shortInput = prediction(x2, first, 5);
                shortInput.headers().add(Headers.MODEL_INPUT, new byte[783]);
                producer.send(shortInput);
                producer.flush();
                Await.until(() -> reader.forImage(x1).size() + reader.forImage(x2).size(), n -> n == 2, "both predictions stored");
                // What the model saw, from the prediction's header; none without one, none from one of the wrong length.
                assertThat(reader.modelInput(x1, first)).hasValueSatisfying(input -> assertThat(input).isEqualTo(INPUT));
                assertThat(reader.forImage(x1).get(0).hasModelInput()).isTrue();
                assertThat(reader.modelInput(x2, first)).isEmpty();
                assertThat(reader.forImage(x2).get(0).hasModelInput()).isFalse();

                // After the predictions: a person says x1 is an 8 (the model said 3) and confirms x2. Records that are not
                // corrections sit among them and hold nothing up.
                producer.send(new ProducerRecord<>(Topics.CORRECTIONS, "garbage-" + run, "{ not json".getBytes(StandardCharsets.UTF_8)));
                producer.send(correction(x1, 8));
                producer.send(new ProducerRecord<>(Topics.CORRECTIONS, "another-" + run, CorrectionJson.write(Correction.byPerson(x2, 1,
                        Instant.now(), "it-labeller")))); // its key is not its image: refused, or it could relabel any image
                producer.send(correction(x2, 5));
                producer.flush();
                PeopleAccuracy afterCorrections = Await.until(() -> reader.peopleAccuracy(first, 10), a -> a.labelled() == 2,
                        "the first model's two labelled images");
                assertThat(afterCorrections.correct()).isEqualTo(1);
                assertThat(afterCorrections.recentMistakes()).extracting(ModelLabel::imageId, ModelLabel::predicted, ModelLabel::label)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(x1, 3, 8));
                assertThat(reader.label(x1).orElseThrow().label()).isEqualTo(8);
                assertThat(reader.label(x2).orElseThrow().label()).as("the refused record did not relabel x2").isEqualTo(5);

                // After the corrections: a second model classifies both (a reclassify); its answers are labelled too.
                producer.send(prediction(x1, second, 8));
                producer.send(prediction(x2, second, 5));
                producer.flush();
                PeopleAccuracy reclassified = Await.until(() -> reader.peopleAccuracy(second, 10), a -> a.labelled() == 2, "the second model's");
                assertThat(reclassified.correct()).isEqualTo(2);

                // x1 was a 3 after all: the latest correction wins, for every model.
                producer.send(correction(x1, 3));
                producer.flush();
                Await.until(() -> reader.peopleAccuracy(first, 10), a -> a.correct() == 2, "the first model right on both");
                assertThat(Await.until(() -> reader.peopleAccuracy(second, 10), a -> a.correct() == 1, "the second model right on x2 only")
                        .recentMistakes()).extracting(ModelLabel::imageId).containsExactly(x1);
                assertThat(reader.label(x1).orElseThrow().label()).isEqualTo(3);
                assertThat(metrics(sink)).contains("inkstream_sink_corrections_total{outcome=\"invalid\"}");
            }

            // Started again: every correction is read back into memory, none is written again, and a third model's answer
            // on x1 is labelled with the latest correction.
            try (SinkService sink = SinkService.start(config)) {
                producer.send(prediction(x1, third, 3));
                producer.flush();
                PeopleAccuracy third3 = Await.until(() -> reader.peopleAccuracy(third, 10), a -> a.labelled() == 1, "the third model's");
                assertThat(third3.correct()).isEqualTo(1);
                assertThat(applied(metrics(sink))).as("corrections written again after a restart").isZero();
            }
        }
    }

    /**
     * Three people label one image: two say 8, one says 3 and says it again and again. Each labeller's correction has a key of
     * its own, so the topic keeps all three, and the image is what two of them say. An image that one person says is an 8 and
     * the one who disagrees then says is a 3 stays an 8: one voice against one, the first stands (a third image, where the one
     * who disagrees was first, is its 3: the control).
     */
    @Test
    void anImageIsWhatMostOfItsLabellersSayAndOneWhoDisagreesCannotRelabelIt(KafkaCluster kafka, CassandraCluster cassandra) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String model = "model-" + run;
        String agreed = "agreed-" + run;
        String tied = "tied-" + run;
        String tiedTheOtherWay = "tied-the-other-way-" + run;
        SinkConfig config = SinkConfig.defaults(kafka.bootstrapServers(), cassandra.contactPoint()).withHttpPort(0)
                .withGroupId("sink-votes-" + run);
        SinkIT.ensureTopics(kafka);
        try (CqlSession session = cassandra.sessionBuilder().build(); KafkaProducer<String, byte[]> producer = SinkIT.producer(kafka);
             SinkService sink = SinkService.start(config)) {
            PredictionReader reader = new PredictionReader(session);
            producer.send(prediction(agreed, model, 3));
            producer.send(prediction(tied, model, 3));
            producer.send(prediction(tiedTheOtherWay, model, 3));
            producer.flush();
            Await.until(() -> reader.forImage(agreed).size() + reader.forImage(tied).size() + reader.forImage(tiedTheOtherWay).size(),
                    n -> n == 3, "the three predictions stored");

            send(producer, agreed, "a11ce00000000001", 8);
            send(producer, agreed, "b0b0000000000002", 8);
            send(producer, tied, "a11ce00000000001", 8);
            send(producer, tiedTheOtherWay, "da0da00000000003", 3);
            RecordMetadata lastOfTheOtherWay = send(producer, tiedTheOtherWay, "a11ce00000000001", 8);
            RecordMetadata lastOfTied = null;
            for (int i = 0; i < 5; i++) {
                send(producer, agreed, "da0da00000000003", 3);
                lastOfTied = send(producer, tied, "da0da00000000003", 3);
            }
            RecordMetadata lastOfAgreed = send(producer, agreed, "da0da00000000003", 3);
            awaitWritten(reader, lastOfTied, lastOfAgreed, lastOfTheOtherWay);
            double invalidBefore = invalid(metrics(sink));

            // Keyed as another labeller: refused, or compaction would leave the one who disagrees where bob's label was.
            Correction forged = Correction.byPerson(agreed, 3, Instant.now(), "da0da00000000003");
            producer.send(new ProducerRecord<>(Topics.CORRECTIONS, lastOfAgreed.partition(), agreed + "/b0b0000000000002",
                    CorrectionJson.write(forged))).get();
            awaitWritten(reader, send(producer, agreed, "da0da00000000003", 3)); // a record skipped moves no progress: one after it
            assertThat(invalid(metrics(sink)) - invalidBefore).as("the forged key refused").isEqualTo(1);

            assertThat(reader.label(agreed).orElseThrow()).as("two labellers against one").extracting(ImageLabel::label,
                    ImageLabel::votes, ImageLabel::contested).containsExactly(8, Map.of(3, 1, 8, 2), false);
            assertThat(reader.label(tied).orElseThrow()).as("one against one, the first").extracting(ImageLabel::label,
                    ImageLabel::votes, ImageLabel::contested).containsExactly(8, Map.of(3, 1, 8, 1), true);
            assertThat(reader.label(tiedTheOtherWay).orElseThrow().label()).as("the control: the one who disagrees first").isEqualTo(3);
            PeopleAccuracy accuracy = Await.until(() -> reader.peopleAccuracy(model, 10), a -> a.labelled() == 3, "the three labelled");
            assertThat(accuracy.correct()).as("the model said 3: right on the control only").isEqualTo(1);
            assertThat(accuracy.recentMistakes()).extracting(ModelLabel::imageId).containsExactlyInAnyOrder(agreed, tied);
        }
    }

    /** Waits until the sink's correction progress is past each of these records. */
    private static void awaitWritten(PredictionReader reader, RecordMetadata... records) throws InterruptedException {
        Await.until(reader::correctionProgress, applied -> Arrays.stream(records)
                .allMatch(r -> applied.getOrDefault(r.partition(), 0L) > r.offset()), "corrections written past " + Arrays.toString(records));
    }

    /** A labeller's correction of an image, keyed and partitioned as the gateway does; where the broker put it. */
    private static RecordMetadata send(KafkaProducer<String, byte[]> producer, String imageId, String labeller, int label) throws Exception {
        Correction correction = Correction.byPerson(imageId, label, Instant.now(), labeller);
        int partition = CorrectionKeys.partition(imageId, producer.partitionsFor(Topics.CORRECTIONS).size());
        return producer.send(new ProducerRecord<>(Topics.CORRECTIONS, partition, CorrectionKeys.of(correction),
                CorrectionJson.write(correction))).get();
    }

    private static ProducerRecord<String, byte[]> prediction(String imageId, String model, int label) {
        return new ProducerRecord<>(Topics.PREDICTIONS, imageId, PredictionJson.write(SinkIT.prediction(imageId, model, label)));
    }

    private static ProducerRecord<String, byte[]> correction(String imageId, int label) {
        return new ProducerRecord<>(Topics.CORRECTIONS, imageId, CorrectionJson.write(Correction.byPerson(imageId, label, Instant.now(),
                "it-labeller")));
    }

    private static String metrics(SinkService sink) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double applied(String metrics) {
        return corrections(metrics, "applied");
    }

    private static double invalid(String metrics) {
        return corrections(metrics, "invalid");
    }

    private static double corrections(String metrics, String outcome) {
        Matcher m = Pattern.compile("inkstream_sink_corrections_total\\{outcome=\"" + outcome + "\"} ([0-9.E]+)").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
