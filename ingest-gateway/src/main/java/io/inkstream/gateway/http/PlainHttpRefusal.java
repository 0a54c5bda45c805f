package io.inkstream.gateway.http;

import io.inkstream.gateway.GatewayMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;

/**
 * The HTTPS listener's first bytes: a TLS handshake goes on to TLS; anything else (a client that asked for {@code http://}
 * on the HTTPS port) is answered 400 with the gateway's JSON error, {@code https-required}, and the connection closed. Without
 * this the client saw the connection dropped, with no word of why. Nothing of the request is served in clear.
 */
final class PlainHttpRefusal extends DetectorConnectionFactory {
    static final String ERROR = "https-required";
    private static final byte[] ANSWER = answer();
    private final GatewayMetrics metrics;

    PlainHttpRefusal(SslConnectionFactory tls, GatewayMetrics metrics) {
        super(tls);
        this.metrics = metrics;
    }

    private static byte[] answer() {
        String body = "{\"error\":\"" + ERROR + "\",\"detail\":\"this port speaks HTTPS only: ask for https:// at the same host and port\"}";
        return ("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** Not TLS: the answer, then the connection closed (not logged: a client's mistake, counted among the edge's refusals). */
    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        metrics.refused(ERROR);
        endPoint.write(Callback.from(endPoint::close), ByteBuffer.wrap(ANSWER));
    }
}
