package io.inkstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;

class ApiProblemTest {
    /**
     * What Jetty throws while a handler reads a body, as the handlers see it. Measured against {@code inkstream up}: a label
     * whose body never came was answered 500 after the 30 s idle timeout, a multipart one 400 {@code malformed-multipart}.
     */
    @Test
    void aBodyThatCameTooSlowlyIs408AndOneCutShort400() {
        ApiProblem idle = ApiProblem.unreadableBody(new IOException(new TimeoutException("Idle timeout expired: 30000/30000 ms")));
        assertThat(idle.status()).isEqualTo(408);
        assertThat(idle.error()).isEqualTo("body-too-slow");
        assertThat(idle.getMessage()).isEqualTo("the request body came too slowly: Idle timeout expired: 30000/30000 ms");

        ApiProblem slow = ApiProblem.unreadableBody(new IOException(new BadMessageException(408, "Request content data rate < 256 B/s")));
        assertThat(slow.status()).isEqualTo(408);

        ApiProblem cut = ApiProblem.unreadableBody(new EofException("early EOF"));
        assertThat(cut.status()).isEqualTo(400);
        assertThat(cut.error()).isEqualTo("unreadable-body");
        assertThat(ApiProblem.unreadableBody(new IOException(new BadMessageException(400, "bad"))).status()).isEqualTo(400);
    }
}
