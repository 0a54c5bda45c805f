package io.inkstream.gateway.http;

import io.javalin.http.HandlerType;

/**
 * Every route of the REST API, in one list: the app registers exactly these, and a test checks
 * that {@code openapi.yaml} documents exactly these.
 */
public enum ApiRoute {
    UPLOAD(HandlerType.POST, "/api/images"),
    IMAGES(HandlerType.GET, "/api/images"),
    IMAGE(HandlerType.GET, "/api/images/{id}"),
    LABEL(HandlerType.POST, "/api/images/{id}/label"),
    MODEL_INPUT(HandlerType.GET, "/api/images/{id}/input.png"),
    EVENTS(HandlerType.GET, "/api/events"),
    PREDICTIONS(HandlerType.GET, "/api/predictions"),
    MODELS(HandlerType.GET, "/api/models"),
    LIMITS(HandlerType.GET, "/api/limits"),
    HEALTH(HandlerType.GET, "/health"),
    METRICS(HandlerType.GET, "/metrics");

    private final HandlerType method;
    private final String path;

    ApiRoute(HandlerType method, String path) {
        this.method = method;
        this.path = path;
    }

    public HandlerType method() {
        return method;
    }

    public String path() {
        return path;
    }
}
