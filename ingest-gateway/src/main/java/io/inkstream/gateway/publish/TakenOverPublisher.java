package io.inkstream.gateway.publish;

import io.inkstream.contract.topic.Headers;
import io.inkstream.contract.topic.PipelineAcls;
import io.inkstream.contract.topic.Topics;
import io.inkstream.gateway.upload.Upload;
import io.inkstream.ops.DaemonThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes for retries that took over other requests' Idempotency-Keys, so that an image goes onto the topic once even
 * when that request's records are still on their way. A search of the topic alone is not enough: a record the failed
 * request sent may sit in the new leader's log above the high watermark, invisible, while the followers catch up after
 * a broker died, and be committed seconds after its producer gave up on it (ScaleOutFaultsIT saw it).
 *
 * <p>So the search has an end that is known to be settled: first an empty mark per image (same key, so same partition)
 * goes in a transaction that is aborted as soon as every in-sync replica has acknowledged the marks (no reader that
 * reads committed, the classifier among them, ever sees one). Once a mark is acknowledged at offset M of a partition,
 * every record before M there is committed or gone for good, so a search of the partition from the earlier claim up to
 * M sees the earlier request's records if they will ever be there. Found: answered from the topic, not sent; the rest
 * is sent as every upload is ({@link ImagePublisher}). A record of the earlier request still in a socket when the mark
 * is acknowledged would escape; that is beyond the publish timeout by then.
 *
 * <p>The mark's transaction ends before the search begins. Other gateways' searches read committed up to their own
 * marks and wait for every transaction open below them; a transaction held open through a search (the images
 * themselves, committed or aborted on what it found) let two gateways' take-overs each hold what the other's search
 * waited for, and both answered 503 (ScaleOutFaultsIT, after a broker's outage, with both gateways taking keys over).
 *
 * <p>Take-overs come in bursts: every upload answered 503 while a broker was away is retried once it is back. So they
 * are not searched for one by one: the take-overs waiting when the worker (one thread) is free go together, one
 * transaction of marks and one search for all whose earlier claims lie within {@code staleAfter} of each other (a
 * search reads from each claim to twice that after it). One at a time, a burst of N cost N transactions
 * and N searches in a row, and the last retries of a burst waited past their clients' patience (ScaleOutFaultsIT: 19
 * uploads unanswered on all four tries).
 */
public final class TakenOverPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TakenOverPublisher.class);
    /** Images searched for together at most: a failure costs every request in the group a 503. */
    private static final int MAX_IMAGES_TOGETHER = 500;

    /** One request's take-over: its images, when it was submitted, when the key was claimed before (earliest first). */
    private record TakeOver(List<Upload> uploads, Instant submittedAt, List<Instant> claims, CompletableFuture<Set<String>> done) {
        Instant firstClaim() {
            return claims.get(0);
        }

        Instant lastClaim() {
            return claims.get(claims.size() - 1);
        }
    }

    private final Properties producerProperties;
    private final ImagePublisher images;
    private final PublishedImages topic;
    private final Duration timeout;
    private final Duration staleAfter;
    private final Counter keys;
    private final Counter searches;
    private final BlockingQueue<TakeOver> waiting = new LinkedBlockingQueue<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("gateway-takeover"));
    private KafkaProducer<String, byte[]> marker; // made on first use: most gateways never take a key over

    /**
     * @param timeout    the publish timeout: for the acknowledgements of the marks, and for the search
     * @param staleAfter how long a claim stays unsettled before its owner counts as dead: take-overs whose earlier claims
     *                   lie within this of each other are searched for together, and earlier requests' records are looked
     *                   for up to twice this after each claim (an owner sends right after claiming; room for a slow one)
     * @param images     where what is not on the topic yet goes: the gateway's publisher of every upload
     */
    public TakenOverPublisher(Properties client, Duration timeout, Duration staleAfter, Properties overrides, ImagePublisher images,
                              PublishedImages topic, MeterRegistry meters) {
        Properties p = ImagePublisher.producerProperties(client, timeout, overrides);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, PipelineAcls.GATEWAY_TRANSACTIONAL_PREFIX + UUID.randomUUID());
        // Sends and acknowledgements only (the publish timeout), then the abort; a gateway that dies inside one holds back
        // read_committed readers of the partition (other gateways' searches) until the broker aborts it.
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(1_000, timeout.toMillis() * 2));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "inkstream-gateway-takeover");
        this.producerProperties = p;
        this.images = images;
        this.topic = topic;
        this.timeout = timeout;
        this.staleAfter = staleAfter;
        this.keys = Counter.builder("inkstream_gateway_takeover_keys")
                .description("requests that took over an Idempotency-Key and were searched for on the topic").register(meters);
        this.searches = Counter.builder("inkstream_gateway_takeover_searches")
                .description("searches of the topic for the images of taken-over keys, each after a transaction of marks").register(meters);
        Gauge.builder("inkstream_gateway_takeover_waiting", waiting, BlockingQueue::size)
                .description("take-overs waiting for the search in progress to end").register(meters);
    }

    /**
     * Completes with the ids of the uploads that were on the topic already (from the earlier request; not sent again) when
     * every upload is on the topic once, or fails with {@link PublishFailedException}.
     *
     * @param claims when the requests that held the key before claimed it: their records, if any, were sent soon after
     */
    public CompletableFuture<Set<String>> publish(List<Upload> uploads, Instant submittedAt, Collection<Instant> claims) {
        if (claims.isEmpty()) {
            throw new IllegalArgumentException("a taken-over key was claimed before");
        }
        TakeOver takeOver = new TakeOver(uploads, submittedAt, claims.stream().sorted().toList(), new CompletableFuture<>());
        waiting.add(takeOver);
        try {
            worker.execute(this::publishWaiting);
        } catch (RejectedExecutionException e) {
            waiting.remove(takeOver);
            takeOver.done().completeExceptionally(new PublishFailedException("the gateway is stopping", e));
        }
        return takeOver.done();
    }

    /** Every take-over waiting now, in as few searches as their claims allow; nothing when an earlier run took them. */
    private void publishWaiting() {
        List<TakeOver> batch = new ArrayList<>();
        waiting.drainTo(batch);
        batch.sort(Comparator.comparing(TakeOver::firstClaim));
        int from = 0;
        while (from < batch.size()) {
            // Together: every claim of every key within the stale time of the first, so that the search reads no more than
            // that and its margin; a key taken over before, long after its first claim, goes alone (and is read near each).
            Instant bound = batch.get(from).firstClaim().plus(staleAfter);
            int images = batch.get(from).uploads().size();
            int to = from + 1;
            while (to < batch.size() && !batch.get(from).lastClaim().isAfter(bound) && !batch.get(to).lastClaim().isAfter(bound)
                    && images + batch.get(to).uploads().size() <= MAX_IMAGES_TOGETHER) {
                images += batch.get(to).uploads().size();
                to++;
            }
            publishTogether(batch.subList(from, to));
            from = to;
        }
    }

    /** Searched for together; then each take-over's missing images are sent, and it completes on their acknowledgement. */
    private void publishTogether(List<TakeOver> together) {
        keys.increment(together.size());
        long started = System.nanoTime();
        Set<String> found;
        try {
            found = search(together);
        } catch (RuntimeException e) {
            together.forEach(takeOver -> takeOver.done().completeExceptionally(e));
            return;
        }
        log.info("taken-over keys searched keys={} images={} found_on_topic={} ms={}", together.size(),
                together.stream().mapToInt(t -> t.uploads().size()).sum(), found.size(), (System.nanoTime() - started) / 1_000_000);
        for (TakeOver takeOver : together) {
            Set<String> there = takeOver.uploads().stream().map(Upload::imageId).filter(found::contains).collect(Collectors.toSet());
            List<Upload> missing = takeOver.uploads().stream().filter(upload -> !there.contains(upload.imageId())).toList();
            images.publish(missing, takeOver.submittedAt()).whenComplete((ok, error) -> {
                if (error == null) {
                    takeOver.done().complete(there);
                } else {
                    takeOver.done().completeExceptionally(error);
                }
            });
        }
    }

    /** The ids of these take-overs' images that are on the topic near their keys' earlier claims. */
    private Set<String> search(List<TakeOver> together) {
        List<Instant> claims = together.stream().flatMap(takeOver -> takeOver.claims().stream()).toList();
        List<Upload> uploads = together.stream().flatMap(takeOver -> takeOver.uploads().stream()).toList();
        PublishedImages.Found found = topic.findBefore(uploads.stream().map(Upload::imageId).toList(), claims,
                staleAfter.multipliedBy(2), mark(uploads), timeout);
        if (!found.complete()) {
            throw new PublishFailedException("the topic could not be searched for the images of a taken-over Idempotency-Key", null);
        }
        return found.ids();
    }

    /**
     * Each partition these images go to, and the offset of its first mark there: every record before it is committed or
     * gone for good. The marks' transaction is aborted before this returns, so that no other search waits for it.
     */
    private Map<TopicPartition, Long> mark(List<Upload> uploads) {
        searches.increment();
        try {
            KafkaProducer<String, byte[]> transactional = marker();
            transactional.beginTransaction();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Upload upload : uploads) {
                sent.add(transactional.send(new ProducerRecord<>(Topics.IMAGES, null, upload.imageId(), new byte[0], Headers.searchMark())));
            }
            Map<TopicPartition, Long> marks = new HashMap<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<RecordMetadata> ack : sent) {
                RecordMetadata metadata = ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                marks.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset(), Math::min);
            }
            transactional.abortTransaction();
            return marks;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            discard(); // a producer in an unknown transaction state is not used again
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new PublishFailedException("the broker did not take the marks of a taken-over Idempotency-Key's search: " + cause.getMessage(),
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discard();
            throw new PublishFailedException("interrupted while marking a taken-over Idempotency-Key's search", e);
        }
    }

    private KafkaProducer<String, byte[]> marker() {
        if (marker == null) {
            KafkaProducer<String, byte[]> made = new KafkaProducer<>(producerProperties, new StringSerializer(), new ByteArraySerializer());
            try {
                made.initTransactions();
            } catch (KafkaException e) {
                made.close(Duration.ZERO);
                throw e;
            }
            marker = made;
        }
        return marker;
    }

    private void discard() {
        if (marker != null) {
            marker.close(Duration.ZERO);
            marker = null;
        }
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (marker != null) {
            marker.close(Duration.ofSeconds(5));
        }
    }
}
