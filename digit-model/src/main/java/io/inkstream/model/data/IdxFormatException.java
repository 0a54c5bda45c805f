package io.inkstream.model.data;

import java.io.IOException;

/** An IDX file that is not what it claims: wrong magic number, odd dimensions, truncated data. */
public final class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }
}
