package io.inkstream.ops.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Arrays;

/**
 * A stack trace whose exception messages cannot start a line of their own. A trace is several lines, one a frame, and a
 * log reader knows them by their {@code \tat } and {@code Caused by: }; but each exception's message is written as it
 * is, and a message may quote what arrived from outside (a parser's reason quoting its input, a record's key): a line
 * break in it would start a line that reads as the service's own event. Every message, of the exception, its causes
 * and the suppressed, is written as {@link OneLineMessageConverter#line} writes a log message: escaped and cut. The
 * frames are the code's own and stay as logback writes them. {@code logback.xml} uses it as {@code %oneLineEx}.
 */
public final class OneLineThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy thrown) {
        return super.throwableProxyToString(new Escaped(thrown));
    }

    /** {@code thrown} with its message, and those of its causes and suppressed, on one line. */
    private record Escaped(IThrowableProxy thrown) implements IThrowableProxy {
        @Override
        public String getMessage() {
            return thrown.getMessage() == null ? null : OneLineMessageConverter.line(thrown.getMessage());
        }

        @Override
        public String getClassName() {
            return thrown.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return thrown.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return thrown.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return thrown.getCause() == null ? null : new Escaped(thrown.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = thrown.getSuppressed();
            return suppressed == null ? null : Arrays.stream(suppressed).map(Escaped::new).toArray(IThrowableProxy[]::new);
        }

        @Override
        public boolean isCyclic() {
            return thrown.isCyclic();
        }
    }
}
