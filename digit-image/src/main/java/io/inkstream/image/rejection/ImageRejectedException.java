package io.inkstream.image.rejection;

/** Thrown where an image is refused; carries the typed {@link ImageRejection}. */
public final class ImageRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ImageRejection rejection;

    public ImageRejectedException(ImageRejection rejection) {
        super(rejection.message(), null, false, false); // an expected outcome: no stack trace to fill
        this.rejection = rejection;
    }

    public ImageRejection rejection() {
        return rejection;
    }

    public RejectionReason reason() {
        return rejection.reason();
    }
}
