package io.inkstream.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inkstream.gateway.GatewayMetrics;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * What Jetty answers itself, before a request reaches the API: a request line or head it cannot read, a URI or headers
 * over its limits (400, 414, 431). Jetty writes an HTML page for them; a client of the API gets the JSON error body
 * every other refusal has. Each is counted as a request refused at the edge, by its error code: none reaches the API's
 * request metrics, and the warning Jetty's parser wrote for each long URI or head, a line any client could have written
 * at will, is left out of the log (logback.xml).
 */
final class JsonBadMessages extends ErrorHandler {
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());

    private final ObjectMapper mapper;
    private final Map<String, String> securityHeaders;
    private final GatewayMetrics metrics;

    /** @param securityHeaders the headers every answer of the gateway carries (GatewayApp) */
    JsonBadMessages(ObjectMapper mapper, Map<String, String> securityHeaders, GatewayMetrics metrics) {
        this.mapper = mapper;
        this.securityHeaders = securityHeaders;
        this.metrics = metrics;
    }

    /** The API's code for a status Jetty answers, and what to say when Jetty gives no reason (it gives none for a long URI). */
    private record Refusal(String error, String unexplained) {
        static Refusal of(int status) {
            return switch (status) {
                case 414 -> new Refusal("uri-too-long", "the request line is longer than the server reads (8 KiB)");
                case 431 -> new Refusal("headers-too-large", "the headers are larger than the server reads (8 KiB)");
                default -> new Refusal("bad-request", "status " + status);
            };
        }
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        Refusal refusal = Refusal.of(status);
        metrics.refused(refusal.error());
        String detail = "the request cannot be read: " + (reason != null ? reason : refusal.unexplained());
        try {
            byte[] body = mapper.writeValueAsBytes(new ApiProblem.Body(refusal.error(), detail));
            fields.put(JSON);
            securityHeaders.forEach(fields::put);
            return ByteBuffer.wrap(body);
        } catch (JsonProcessingException e) {
            return super.badMessageError(status, reason, fields);
        }
    }
}
