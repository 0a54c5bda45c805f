package io.inkstream.cli.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generator of {@code bench pipeline}: uploads on a fixed schedule (open loop: upload i is
 * due at start + i / rate whatever happened to the ones before, and is timed from when it was due,
 * so a slow gateway cannot hide its slowness by slowing the load), over keep-alive HTTP/1.1
 * connections driven by one thread and one selector.
 *
 * <p>Why not the JDK's {@code HttpClient}: it cost 0.75 ms of CPU per upload here, on the same two
 * cores as the pipeline it measures; a selector loop costs a few tens of microseconds, as
 * {@code wrk} does.
 */
final class UploadDriver implements AutoCloseable {
    /** One upload: when it was due (microseconds since the epoch), the image id the gateway gave it, and the status (-1: no answer). */
    record Result(long dueMicros, String id, int status) {
    }

    /** What to send as upload i: the path with its query, and the body (a raw MNIST digit). */
    record Upload(String pathAndQuery, String contentType, byte[] body) {
    }

    private static final Pattern LOCATION = Pattern.compile("(?im)^Location:\\s*\\S*/api/images/([^\\s/?]+)");
    private static final Pattern BODY_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^Content-Length:\\s*(\\d+)");
    private static final Pattern CLOSE = Pattern.compile("(?im)^Connection:\\s*close");
    private static final Pattern CHUNKED = Pattern.compile("(?im)^Transfer-Encoding:\\s*chunked");
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private final InetSocketAddress gateway;
    private final int maxConnections;
    private final Duration timeout;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> new Thread(task, "bench-uploader"));

    UploadDriver(InetSocketAddress gateway, int maxConnections, Duration timeout) {
        this.gateway = gateway;
        this.maxConnections = maxConnections;
        this.timeout = timeout;
    }

    /**
     * Sends {@code count} uploads at {@code rate} per second and returns every result. The work runs
     * on the driver's own thread, "bench-uploader", alive until {@link #close}: a CPU window closed
     * before then counts its CPU to the load generator by name (a thread that has ended has no name).
     */
    List<Result> run(int rate, long count, IntFunction<Upload> uploads) throws InterruptedException {
        List<Result> results = new ArrayList<>((int) Math.min(count, Integer.MAX_VALUE));
        try {
            thread.submit(() -> {
                drive(rate, count, uploads, results);
                return null;
            }).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the load generator failed: " + e.getCause(), e.getCause());
        }
        return results;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private void drive(int rate, long count, IntFunction<Upload> uploads, List<Result> results) throws IOException {
        long startNanos = System.nanoTime();
        Instant startInstant = Instant.now();
        long startMicros = startInstant.getEpochSecond() * 1_000_000 + startInstant.getNano() / 1000;
        long timeoutNanos = timeout.toNanos();
        Deque<Long> waiting = new ArrayDeque<>();
        Deque<Connection> idle = new ArrayDeque<>();
        Set<Connection> open = new HashSet<>();
        long next = 0;
        try (Selector selector = Selector.open()) {
            while (results.size() < count) {
                long now = System.nanoTime();
                for (; next < count && dueNanos(startNanos, next, rate) <= now; next++) {
                    waiting.add(next);
                }
                while (!waiting.isEmpty()) {
                    Connection connection = idle.poll();
                    long index = waiting.peek();
                    long due = dueNanos(startNanos, index, rate);
                    long dueMicros = startMicros + (due - startNanos) / 1000;
                    if (connection == null) {
                        if (open.size() >= maxConnections) {
                            break;
                        }
                        try {
                            connection = Connection.open(gateway, selector);
                        } catch (IOException refusedAtOnce) {
                            waiting.poll();
                            results.add(new Result(dueMicros, null, -1));
                            continue;
                        }
                        open.add(connection);
                    }
                    waiting.poll();
                    connection.send(request(uploads.apply((int) index)), dueMicros, due + timeoutNanos);
                }
                for (Connection connection : List.copyOf(open)) {
                    if (connection.busy() && now > connection.deadlineNanos) {
                        results.add(new Result(connection.dueMicros, null, -1));
                        connection.close();
                        open.remove(connection);
                    }
                }
                long untilNext = next < count ? dueNanos(startNanos, next, rate) - System.nanoTime() : 10_000_000;
                if (untilNext <= 0 && !waiting.isEmpty() && idle.isEmpty() && open.size() >= maxConnections) {
                    untilNext = 1_000_000; // every connection busy: wait for an answer, not for the schedule
                }
                int ready = untilNext <= 0 ? selector.selectNow() : selector.select(Math.max(1, untilNext / 1_000_000));
                if (ready == 0) {
                    continue;
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection connection = (Connection) key.attachment();
                    Result result;
                    try {
                        result = connection.onReady(key);
                    } catch (IOException e) {
                        results.add(new Result(connection.dueMicros, null, -1));
                        connection.close();
                        open.remove(connection);
                        continue;
                    }
                    if (result != null) {
                        results.add(result);
                        if (connection.keepAlive) {
                            idle.add(connection);
                        } else {
                            connection.close();
                            open.remove(connection);
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            open.forEach(Connection::close);
        }
    }

    private static long dueNanos(long startNanos, long index, int rate) {
        return startNanos + (long) (index * 1e9 / rate);
    }

    private byte[] request(Upload upload) {
        byte[] head = String.format(Locale.ROOT, "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
                upload.pathAndQuery(), gateway.getHostString(), gateway.getPort(), upload.contentType(), upload.body().length)
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + upload.body().length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(upload.body(), 0, request, head.length, upload.body().length);
        return request;
    }

    /** One keep-alive connection with at most one request in flight. */
    private static final class Connection {
        private final SocketChannel channel;
        private final SelectionKey key;
        private ByteBuffer out;
        private ByteBuffer in = ByteBuffer.allocate(4096);
        private long dueMicros;
        private long deadlineNanos;
        private boolean keepAlive = true;

        private Connection(SocketChannel channel, SelectionKey key) {
            this.channel = channel;
            this.key = key;
            key.attach(this);
        }

        static Connection open(InetSocketAddress address, Selector selector) throws IOException {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean connected = channel.connect(address);
                return new Connection(channel, channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }

        boolean busy() {
            return out != null;
        }

        void send(byte[] request, long dueMicros, long deadlineNanos) {
            this.out = ByteBuffer.wrap(request);
            this.dueMicros = dueMicros;
            this.deadlineNanos = deadlineNanos;
            in.clear();
            if (channel.isConnected()) {
                key.interestOps(SelectionKey.OP_WRITE);
            }
        }

        /** Moves the exchange on; returns its result once the whole answer is in. */
        Result onReady(SelectionKey ready) throws IOException {
            if (ready.isConnectable()) {
                channel.finishConnect();
                key.interestOps(out != null ? SelectionKey.OP_WRITE : 0);
                return null;
            }
            if (ready.isWritable()) {
                channel.write(out);
                if (!out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
                return null;
            }
            if (ready.isReadable()) {
                if (!in.hasRemaining()) {
                    ByteBuffer larger = ByteBuffer.allocate(in.capacity() * 2);
                    in.flip();
                    larger.put(in);
                    in = larger;
                }
                if (channel.read(in) < 0) {
                    throw new IOException("the gateway closed the connection");
                }
                return complete();
            }
            return null;
        }

        private Result complete() throws IOException {
            byte[] bytes = in.array();
            int length = in.position();
            int headerEnd = indexOf(bytes, length, HEADER_END);
            if (headerEnd < 0) {
                return null;
            }
            String head = new String(bytes, 0, headerEnd, StandardCharsets.ISO_8859_1);
            int bodyStart = headerEnd + HEADER_END.length;
            String body;
            Matcher contentLength = CONTENT_LENGTH.matcher(head);
            if (contentLength.find()) {
                int bodyLength = Integer.parseInt(contentLength.group(1));
                if (length - bodyStart < bodyLength) {
                    return null;
                }
                body = new String(bytes, bodyStart, bodyLength, StandardCharsets.UTF_8);
            } else if (CHUNKED.matcher(head).find()) {
                String rest = new String(bytes, bodyStart, length - bodyStart, StandardCharsets.ISO_8859_1);
                if (!rest.endsWith("0\r\n\r\n")) {
                    return null;
                }
                body = rest;
            } else {
                body = "";
            }
            int status;
            try {
                status = Integer.parseInt(head.substring(9, 12));
            } catch (RuntimeException e) {
                throw new IOException("not an HTTP answer: " + head.lines().findFirst().orElse(""));
            }
            keepAlive = !CLOSE.matcher(head).find();
            Matcher location = LOCATION.matcher(head);
            Matcher bodyId = BODY_ID.matcher(body);
            String id = status != 202 ? null : location.find() ? location.group(1) : bodyId.find() ? bodyId.group(1) : null;
            out = null;
            key.interestOps(0);
            return new Result(dueMicros, id, status);
        }

        private static int indexOf(byte[] bytes, int length, byte[] pattern) {
            outer:
            for (int i = 0; i + pattern.length <= length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (bytes[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        void close() {
            key.cancel();
            try {
                channel.close();
            } catch (IOException e) {
                // closing a connection that already failed
            }
        }
    }
}
