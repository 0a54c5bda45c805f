package io.inkstream.gateway.publish;

import io.inkstream.contract.topic.PipelineAcls;
import io.inkstream.gateway.upload.Upload;
import io.inkstream.ops.DaemonThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes for retries that took over other requests' Idempotency-Keys, so that an image goes onto the topic once even
 * when that request's records are still on their way. A search before publishing is not enough: a record the failed
 * request sent may sit in the new leader's log above the high watermark, invisible, while the followers catch up after
 * a broker died, and be committed seconds after its producer gave up on it (ScaleOutFaultsIT saw it).
 *
 * <p>So the images are sent in a transaction and the search comes after: once this transaction's records are
 * acknowledged by every in-sync replica at offset M of a partition, every record before M there is committed or gone
 * for good, so a search of the partition from the earlier claim up to M sees the earlier request's records if they
 * will ever be there. Found: the transaction is aborted (read_committed readers, the classifier among them, never see
 * it) and only what is missing is sent again; not found: committed. A record of the earlier request still in a socket
 * when this one is acknowledged would escape; that is beyond the publish timeout by then.
 *
 * <p>Take-overs come in bursts: every upload answered 503 while a broker was away is retried once it is back. So they
 * are not published one transaction each: the take-overs waiting when the worker (one thread) is free go together, one
 * transaction and one search for all whose earlier claims lie within {@code staleAfter} of each other (a search reads
 * from the earliest claim to twice that after the latest). One at a time, a burst of N cost N transactions and N
 * searches in a row, and the last retries of a burst waited past their clients' patience (ScaleOutFaultsIT: 19 uploads
 * unanswered on all four tries).
 */
public final class TakenOverPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TakenOverPublisher.class);
    private static final int ROUNDS = 3;
    /** Images in one transaction at most: a failure costs every request in it a 503. */
    private static final int MAX_IMAGES_TOGETHER = 500;

    /** One request's take-over: its images, when it was submitted, when the key was first and last claimed before. */
    private record TakeOver(List<Upload> uploads, Instant submittedAt, Instant firstClaim, Instant lastClaim,
                            CompletableFuture<Set<String>> done) {
    }

    private final Properties producerProperties;
    private final PublishedImages topic;
    private final Duration timeout;
    private final Duration staleAfter;
    private final Counter keys;
    private final Counter transactions;
    private final BlockingQueue<TakeOver> waiting = new LinkedBlockingQueue<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("gateway-takeover"));
    private KafkaProducer<String, byte[]> producer; // made on first use: most gateways never take a key over

    /**
     * @param timeout    the publish timeout: for the acknowledgements of a transaction's records, and for its search
     * @param staleAfter how long a claim stays unsettled before its owner counts as dead: take-overs whose earlier claims
     *                   lie within this of each other share a transaction, and earlier requests' records are looked
     *                   for up to twice this after the last claim (an owner sends right after claiming; room for a slow one)
     */
    public TakenOverPublisher(Properties client, Duration timeout, Duration staleAfter, Properties overrides, PublishedImages topic,
                              MeterRegistry meters) {
        Properties p = ImagePublisher.producerProperties(client, timeout, overrides);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, PipelineAcls.GATEWAY_TRANSACTIONAL_PREFIX + UUID.randomUUID());
        // Its sends, the search and the commit; a gateway that dies inside one holds back read_committed readers of the
        // partition until the broker aborts it.
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(10_000, timeout.toMillis() * 3));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "inkstream-gateway-takeover");
        this.producerProperties = p;
        this.topic = topic;
        this.timeout = timeout;
        this.staleAfter = staleAfter;
        this.keys = Counter.builder("inkstream_gateway_takeover_keys")
                .description("requests that took over an Idempotency-Key and published through the take-over transactions").register(meters);
        this.transactions = Counter.builder("inkstream_gateway_takeover_transactions")
                .description("transactions those requests' images went in, aborted ones included").register(meters);
        Gauge.builder("inkstream_gateway_takeover_waiting", waiting, BlockingQueue::size)
                .description("take-overs waiting for the transaction in progress to end").register(meters);
    }

    /**
     * Completes with the ids of the uploads that were on the topic already (from the earlier request; not sent again) when
     * every upload is on the topic once, or fails with {@link PublishFailedException}.
     *
     * @param firstClaim when the key was first claimed: the records of the requests that held it, if any, are from then on
     * @param lastClaim  when the request that held it last claimed it (the first, unless the key was taken over before)
     */
    public CompletableFuture<Set<String>> publish(List<Upload> uploads, Instant submittedAt, Instant firstClaim, Instant lastClaim) {
        TakeOver takeOver = new TakeOver(uploads, submittedAt, firstClaim, lastClaim, new CompletableFuture<>());
        waiting.add(takeOver);
        try {
            worker.execute(this::publishWaiting);
        } catch (RejectedExecutionException e) {
            waiting.remove(takeOver);
            takeOver.done().completeExceptionally(new PublishFailedException("the gateway is stopping", e));
        }
        return takeOver.done();
    }

    /** Every take-over waiting now, in as few transactions as their claims allow; nothing when an earlier run took them. */
    private void publishWaiting() {
        List<TakeOver> batch = new ArrayList<>();
        waiting.drainTo(batch);
        batch.sort(Comparator.comparing(TakeOver::firstClaim));
        int from = 0;
        while (from < batch.size()) {
            // Together: every claim of every key within the stale time of the first, so that one search covers them all
            // and reads no more than that and its margin; a key taken over before, long after its first claim, goes alone.
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

    private void publishTogether(List<TakeOver> together) {
        keys.increment(together.size());
        try {
            Set<String> found = publishInRounds(together);
            for (TakeOver takeOver : together) {
                takeOver.done().complete(takeOver.uploads().stream().map(Upload::imageId).filter(found::contains).collect(Collectors.toSet()));
            }
        } catch (RuntimeException e) {
            together.forEach(takeOver -> takeOver.done().completeExceptionally(e));
        }
    }

    /** The ids found on the topic (not sent), once everything else is committed. */
    private Set<String> publishInRounds(List<TakeOver> together) {
        long started = System.nanoTime();
        Instant since = together.get(0).firstClaim(); // the earliest: the list is sorted by first claim
        Instant until = together.stream().map(TakeOver::lastClaim).max(Comparator.naturalOrder()).orElseThrow()
                .plus(staleAfter.multipliedBy(2));
        List<TakeOver> left = together;
        Set<String> found = new HashSet<>();
        int round = 0;
        while (true) {
            round++;
            Set<String> there = sendAndLook(left, since, until);
            if (there.isEmpty()) {
                break; // committed
            }
            log.info("taken-over images found on the topic after sending, transaction aborted found={} of={}", there.size(),
                    left.stream().mapToInt(t -> t.uploads().size()).sum());
            found.addAll(there);
            left = left.stream().map(t -> withoutFound(t, there)).filter(t -> !t.uploads().isEmpty()).toList();
            if (left.isEmpty()) {
                break; // everything was there already
            }
            if (round == ROUNDS) {
                throw new PublishFailedException("the images of a taken-over Idempotency-Key could not be checked in " + ROUNDS + " rounds", null);
            }
        }
        log.info("taken-over keys published keys={} images={} found_on_topic={} transactions={} ms={}", together.size(),
                together.stream().mapToInt(t -> t.uploads().size()).sum(), found.size(), round, (System.nanoTime() - started) / 1_000_000);
        return found;
    }

    private static TakeOver withoutFound(TakeOver takeOver, Set<String> found) {
        return new TakeOver(takeOver.uploads().stream().filter(u -> !found.contains(u.imageId())).toList(), takeOver.submittedAt(),
                takeOver.firstClaim(), takeOver.lastClaim(), takeOver.done());
    }

    /** One transaction: sent, looked for before it, committed when none was there; returns the ids found (aborted then). */
    private Set<String> sendAndLook(List<TakeOver> together, Instant since, Instant until) {
        transactions.increment();
        try {
            KafkaProducer<String, byte[]> transactional = producer();
            transactional.beginTransaction();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (TakeOver takeOver : together) {
                for (Upload upload : takeOver.uploads()) {
                    sent.add(transactional.send(ImagePublisher.record(upload, takeOver.submittedAt())));
                    ids.add(upload.imageId());
                }
            }
            Map<TopicPartition, Long> firstOwn = new HashMap<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<RecordMetadata> ack : sent) {
                RecordMetadata metadata = ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                firstOwn.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset(), Math::min);
            }
            PublishedImages.Found found = topic.findBefore(ids, since, until, firstOwn, timeout);
            if (!found.complete()) {
                transactional.abortTransaction();
                throw new PublishFailedException("the topic could not be searched for the images of a taken-over Idempotency-Key", null);
            }
            if (found.ids().isEmpty()) {
                transactional.commitTransaction();
            } else {
                transactional.abortTransaction();
            }
            return found.ids();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            discard(); // a producer in an unknown transaction state is not used again
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new PublishFailedException("the broker did not take the images of a taken-over Idempotency-Key: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discard();
            throw new PublishFailedException("interrupted while publishing the images of a taken-over Idempotency-Key", e);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            KafkaProducer<String, byte[]> made = new KafkaProducer<>(producerProperties, new StringSerializer(), new ByteArraySerializer());
            try {
                made.initTransactions();
            } catch (KafkaException e) {
                made.close(Duration.ZERO);
                throw e;
            }
            producer = made;
        }
        return producer;
    }

    private void discard() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            producer = null;
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
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
