package io.readstates.api;

import io.vertx.core.json.JsonObject;

/**
 * A request the API refuses, with the HTTP status, a short machine-readable code, and a message a
 * person can act on. Thrown before anything is changed.
 */
public final class ApiError extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public ApiError(final int status, final String code, final String message)
    {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static ApiError badRequest(final String code, final String message)
    {
        return new ApiError(400, code, message);
    }

    public int status()
    {
        return status;
    }

    public String code()
    {
        return code;
    }

    /** The body of every error answer: {@code {"error": code, "message": text}}. */
    public static JsonObject body(final String code, final String message)
    {
        return new JsonObject().put("error", code).put("message", message);
    }
}
