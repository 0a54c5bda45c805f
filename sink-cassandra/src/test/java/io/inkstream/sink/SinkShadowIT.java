package io.inkstream.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.inkstream.contract.correction.Correction;
import io.inkstream.contract.correction.CorrectionJson;
import io.inkstream.contract.prediction.Prediction;
import io.inkstream.contract.prediction.PredictionJson;
import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.Topics;
import io.inkstream.infra.cassandra.CassandraCluster;
import io.inkstream.infra.kafka.KafkaCluster;
import io.inkstream.store.PeopleAccuracy;
import io.inkstream.store.PredictionReader;
import io.inkstream.store.ShadowAccuracy;
import io.inkstream.testkit.junit.SharedInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A shadow model's answers, from their own topic into Cassandra, counted apart from the answers, on the real broker and node. */
@ExtendWith(SharedInfrastructure.class)
class SinkShadowIT {

    @Test
    void shadowAnswersAreCountedForAgreementAndOnPeoplesLabelsAndNeverStoredAsAnAnswer(KafkaCluster kafka, CassandraCluster cassandra)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String active = "active-" + run;
        String shadow = "shadow-" + run;
        String agreeing = "agreeing-" + run;
        String disagreeing = "disagreeing-" + run;
        String unlabelled = "unlabelled-" + run;
        String correctedFirst = "corrected-first-" + run;
        SinkConfig config = SinkConfig.defaults(kafka.bootstrapServers(), cassandra.contactPoint()).withHttpPort(0)
                .withGroupId("sink-shadow-" + run);
        SinkIT.ensureTopics(kafka);
        try (CqlSession session = cassandra.sessionBuilder().build(); KafkaProducer<String, byte[]> producer = SinkIT.producer(kafka);
             SinkService sink = SinkService.start(config)) {
            PredictionReader reader = new PredictionReader(session);
            // A person labels one image before any model has classified it.
            producer.send(new ProducerRecord<>(Topics.CORRECTIONS, correctedFirst, CorrectionJson.write(Correction.byPerson(correctedFirst, 4,
                    Instant.now(), "it-labeller"))));
            producer.send(answer(agreeing, active, 7, 7));
            producer.send(shadowAnswer(agreeing, shadow, 7, 7, active, 7));
            producer.send(shadowAnswer(disagreeing, shadow, 1, 7, active, 7));
            producer.send(new ProducerRecord<>(Topics.SHADOW_PREDICTIONS, "garbage-" + run, "{ not a prediction".getBytes(StandardCharsets.UTF_8)));
            producer.send(shadowAnswer(unlabelled, shadow, 3, null, active, 3));
            producer.send(shadowAnswer(correctedFirst, shadow, 4, null, active, 9));
            producer.flush();

            ShadowAccuracy counted = Await.until(() -> reader.shadowAccuracy(shadow), a -> a.predictions() == 4, "four shadow answers counted");
            // The answer is on another topic, written in its own poll: waited for too.
            Await.until(() -> reader.forImage(agreeing).size(), n -> n == 1, "the active model's answer");
            assertThat(counted).isEqualTo(new ShadowAccuracy(shadow, 4, 2, 2, 1));
            // Never an answer: no row among the image's answers, nothing in the answering models' counts.
            assertThat(reader.forImage(disagreeing)).isEmpty();
            assertThat(reader.forImage(agreeing)).extracting(p -> p.modelVersion()).containsExactly(active);
            assertThat(reader.accuracy(shadow).predictions()).isZero();
            assertThat(reader.shadowAnswers(disagreeing)).containsEntry(shadow, 1);

            // People's labels: the one given before the shadow answered, and one given after (the shadow was wrong on it: 1, a 7).
            producer.send(new ProducerRecord<>(Topics.CORRECTIONS, disagreeing, CorrectionJson.write(Correction.byPerson(disagreeing, 7,
                    Instant.now(), "it-labeller"))));
            producer.flush();
            PeopleAccuracy people = Await.until(() -> reader.peopleAccuracy(shadow, 10), a -> a.labelled() == 2, "the shadow on people's labels");
            assertThat(people.correct()).isEqualTo(1);
            assertThat(people.recentMistakes()).extracting(m -> m.imageId()).containsExactly(disagreeing);
        }
    }

    private static ProducerRecord<String, byte[]> answer(String imageId, String model, int label, Integer truth) {
        return new ProducerRecord<>(Topics.PREDICTIONS, imageId, PredictionJson.write(prediction(imageId, model, label, truth)));
    }

    private static ProducerRecord<String, byte[]> shadowAnswer(String imageId, String model, int label, Integer truth, String active,
                                                               int activeLabel) {
        return new ProducerRecord<>(Topics.SHADOW_PREDICTIONS, null, imageId, PredictionJson.write(prediction(imageId, model, label, truth)),
                Headers.shadow(active, activeLabel));
    }

    private static Prediction prediction(String imageId, String model, int label, Integer truth) {
        Prediction p = SinkIT.prediction(imageId, model, label);
        return new Prediction(p.schema(), p.imageId(), p.modelVersion(), p.label(), p.confidence(), p.probabilities(), truth, p.source(),
                p.submittedAt(), p.classifiedAt());
    }
}
