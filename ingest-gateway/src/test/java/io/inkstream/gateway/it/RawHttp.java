package io.inkstream.gateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket, for what java.net.http will not do: a request from another
 * local address, a {@code Host} header of its choosing, a body sent in pieces with pauses between.
 */
final class RawHttp implements AutoCloseable {
    /** A response: status, headers (names in lower case), body. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private final Socket socket;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** A connection to the gateway on 127.0.0.1:port from {@code from} (any 127.x.y.z address is this machine). */
    static RawHttp connect(int port, String from) {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(60_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Labels an image ({@code POST location/label}) as a client from {@code from}: a labeller of its own, as the gateway names
     * labellers by their address. The answer's status.
     */
    static int label(int port, String from, String imageLocation, int digit) {
        byte[] body = ("{\"label\": " + digit + "}").getBytes(StandardCharsets.UTF_8);
        try (RawHttp http = connect(port, from)) {
            return http.send("POST", imageLocation + "/label", Map.of("Host", "127.0.0.1:" + port, "Content-Type", "application/json",
                    "Content-Length", Integer.toString(body.length)), body).response().status();
        }
    }

    /** Sends a request head ({@code Connection: close} is added) and as much of the body as given. */
    RawHttp send(String method, String path, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        write(head.toString().getBytes(StandardCharsets.US_ASCII));
        return write(body);
    }

    RawHttp write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether any of a response has arrived, without waiting for it. */
    boolean answered() {
        try {
            return socket.getInputStream().available() > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads one response: its head, then as many body bytes as it says (or its chunks), not waiting
     * for the server to close the connection: a server may keep it open to drain a body never sent.
     */
    Response response() {
        return body(head());
    }

    /** The response whose {@link #head} was read, with its body, as many bytes as the head says (or its chunks). */
    Response body(Response head) {
        try {
            InputStream in = socket.getInputStream();
            Map<String, String> headers = head.headers();
            byte[] body;
            if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = unchunk(in);
            } else {
                body = in.readAllBytes();
            }
            return new Response(head.status(), headers, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a response's head only, its body left unread: for a response that does not end, as an event stream's. */
    Response head() {
        try {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("the connection closed before a complete response head: " + head.toString(StandardCharsets.ISO_8859_1));
                }
                head.write(b);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).strip().split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] unchunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new AssertionError("the connection closed inside a chunked body");
                }
                line.append((char) b);
            }
            int size = Integer.parseInt(line.toString().strip(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(size));
            in.readNBytes(2); // the CRLF after each chunk
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
