package io.inkstream.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What Javalin would read as another value than the client sent is refused instead. */
class PercentEncodingTest {
    @Test
    void percentEncodedUtf8IsText() {
        for (String raw : new String[] {"", "limit=5&page=2026-12-05.00ff", "/api/images/%C3%A9", "ids=a%2Cb", "model=v3-3e4d1ee016f4",
                "x=%F0%9F%98%80", "x=%e2%82%ac%41", "q=" + URLEncoder.encode("é €😀 ७ \u0000", StandardCharsets.UTF_8)}) {
            assertThat(PercentEncoding.problem(raw)).as(raw).isEmpty();
        }
        assertThat(PercentEncoding.problem(null)).isEmpty();
    }

    @Test
    void aMalformedEscapeIsNot() {
        assertThat(PercentEncoding.problem("limit=5&page=%zz")).contains("the '%' at character 14 is not followed by two hex digits");
        for (String raw : new String[] {"page=%%%%", "page=a%2", "page=%", "page=%\uFF11\uFF11", "page=%4"}) {
            assertThat(PercentEncoding.problem(raw)).as(raw).get().asString().contains("is not followed by two hex digits");
        }
    }

    @Test
    void escapesThatAreNotUtf8AreNot() {
        assertThat(PercentEncoding.problem("/api/images/%E9")).contains("the escapes at character 13 are not UTF-8 text");
        // a lone continuation byte, an overlong '/', a surrogate's encoding, a character cut short by a raw one
        for (String raw : new String[] {"x=%80", "x=%C0%AF", "x=%ED%A0%80", "x=%C3a%A9", "x=%F0%9F%98"}) {
            assertThat(PercentEncoding.problem(raw)).as(raw).get().asString().contains("are not UTF-8 text");
        }
    }
}
