package io.inkstream.gateway.http;

import io.inkstream.contract.prediction.Prediction;
import io.inkstream.gateway.events.PredictionEvents;
import io.inkstream.gateway.guard.ClientSlots;
import io.inkstream.ops.DaemonThreads;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.javalin.json.JsonMapper;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/events?ids=a,b,c} (or without ids: every image): Server-Sent Events, one {@code prediction} event per
 * prediction of those images as the classifier commits it, with the same fields as a prediction of {@code GET
 * /api/images/{id}}. The subscription is made before the stream's headers are sent, so a client that asks {@code GET
 * /api/images} for the images' state once its stream is open misses nothing in between. Each stream has a queue of at most
 * {@link #MAX_QUEUED} events, written by a small pool: a client that does not read is cut off (it reconnects, or polls), and
 * never slows the others. At most {@link #MAX_STREAMS} streams per instance, {@link #STREAMS_PER_CLIENT} of them from one
 * address; a comment every {@link #HEARTBEAT} keeps idle streams open through proxies and finds clients that left.
 */
public final class EventStreams implements Handler, AutoCloseable {
    public static final int MAX_STREAMS = 256;
    /**
     * One address's share of the streams: a person has a page open, or a few. Without it one client opening 256 streams held
     * them all, and every other visitor's page was refused its stream (it polls then, every few seconds).
     */
    public static final int STREAMS_PER_CLIENT = 16;
    static final int MAX_QUEUED = 512;
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);

    private final PredictionEvents events;
    private final JsonMapper json;
    private final ClientSlots open = new ClientSlots(STREAMS_PER_CLIENT, MAX_STREAMS);
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final ExecutorService writers = Executors.newFixedThreadPool(2, DaemonThreads.named("event-stream-writer"));
    private final ScheduledExecutorService heartbeat = DaemonThreads.scheduler("event-stream-heartbeat");

    EventStreams(PredictionEvents events, JsonMapper json) {
        this.events = events;
        this.json = json;
        heartbeat.scheduleAtFixedRate(() -> streams.forEach(Stream::heartbeat), HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void handle(Context ctx) throws Exception {
        if (!"text/event-stream".equals(ctx.header("Accept"))) {
            throw new ApiProblem(406, "not-acceptable", "an event stream: ask with Accept: text/event-stream (as EventSource does)");
        }
        List<String> ids = ids(ctx.queryParam("ids"));
        String address = GatewayApp.client(ctx);
        ClientSlots.Answer answer = open.take(address);
        if (answer == ClientSlots.Refusal.CLIENT_SHARE) {
            throw new ApiProblem(429, "streams-open", address + " has " + STREAMS_PER_CLIENT + " event streams open on this "
                    + "gateway already; close one, or poll GET /api/images?ids=...", Optional.of(30));
        }
        if (answer == ClientSlots.Refusal.ALL_TAKEN) {
            throw new ApiProblem(503, "too-many-streams", "this gateway serves " + MAX_STREAMS + " event streams already; poll "
                    + "GET /api/images?ids=... instead, or retry later", Optional.of(30));
        }
        Stream stream = new Stream(ids, (ClientSlots.Slot) answer);
        events.subscribe(stream, ids); // before the headers: nothing committed after the client sees the stream open is missed
        try {
            new SseHandler(client -> stream.attach(client)).handle(ctx);
        } catch (Exception | Error e) {
            stream.close();
            throw e;
        }
    }

    /** The images a stream asks for; none named means every image. */
    static List<String> ids(String text) {
        return text == null || text.isBlank() ? List.of() : QueryHandlers.idList(text);
    }

    /** A comment line of the stream (not an event): heartbeats, and the first line that says the subscription is made. */
    private record Comment(String text) {
    }

    /**
     * One client's stream: its subscription, its queue, its writes. Everything written goes through the queue and is written
     * by one writer at a time, so that no two threads write into one response.
     */
    private final class Stream implements PredictionEvents.Subscriber {
        private final List<String> ids;
        private final ClientSlots.Slot slot;
        /** Prediction JSON, or a {@link Comment}. */
        private final ArrayDeque<Object> queue = new ArrayDeque<>();
        private SseClient client;
        private boolean writing;
        private boolean closed;

        Stream(List<String> ids, ClientSlots.Slot slot) {
            this.ids = ids;
            this.slot = slot;
        }

        void attach(SseClient client) {
            client.keepAlive();
            client.onClose(this::close);
            synchronized (this) {
                this.client = client;
                queue.addFirst(new Comment("subscribed to " + (ids.isEmpty() ? "every image" : ids.size() + " images")));
            }
            streams.add(this);
            schedule();
        }

        @Override
        public void accept(Prediction prediction, Boolean hasInput) {
            String data = json.toJsonString(QueryHandlers.PredictionView.of(prediction, hasInput), QueryHandlers.PredictionView.class);
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (queue.size() >= MAX_QUEUED) {
                    log.warn("event stream cut off: its client does not read queued={} ids={}", queue.size(), ids.size());
                    writers.execute(this::close);
                    return;
                }
                queue.add(data);
            }
            schedule();
        }

        private void schedule() {
            synchronized (this) {
                if (writing || client == null || queue.isEmpty() || closed) {
                    return;
                }
                writing = true;
            }
            writers.execute(this::drain);
        }

        private void drain() {
            while (true) {
                Object next;
                synchronized (this) {
                    next = queue.poll();
                    if (next == null || closed) {
                        writing = false;
                        return;
                    }
                }
                if (next instanceof Comment comment) {
                    client.sendComment(comment.text());
                } else {
                    client.sendEvent("prediction", next);
                }
                if (client.terminated()) {
                    close();
                    return;
                }
            }
        }

        void heartbeat() {
            synchronized (this) {
                if (closed || !queue.isEmpty()) {
                    return;
                }
                queue.add(new Comment("heartbeat"));
            }
            schedule();
        }

        void close() {
            SseClient c;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                queue.clear();
                c = client;
            }
            events.unsubscribe(this, ids);
            streams.remove(this);
            slot.close();
            if (c != null && !c.terminated()) {
                c.close();
            }
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        streams.forEach(Stream::close);
        writers.shutdownNow();
    }
}
