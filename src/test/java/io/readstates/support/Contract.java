package io.readstates.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API's OpenAPI document (src/main/resources/openapi.json), loaded with vertx-openapi: every
 * answer the tests' {@link Api} receives from a documented operation is validated against it.
 */
public final class Contract
{
    private static final Vertx VERTX = Vertx.vertx();
    private static final OpenAPIContract CONTRACT = load();
    private static final ResponseValidator VALIDATOR = ResponseValidator.create(VERTX, CONTRACT);

    private Contract()
    {
    }

    public static OpenAPIContract contract()
    {
        return CONTRACT;
    }

    private static OpenAPIContract load()
    {
        try
        {
            return OpenAPIContract.from(VERTX, "src/main/resources/openapi.json").toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("the OpenAPI document does not load: " + e.getMessage(), e);
        }
    }

    /**
     * @throws AssertionError if the path and method are a documented operation and the answer is not
     * one the document allows
     */
    static void check(final String method, final String path, final HttpResponse<String> response)
    {
        final int query = path.indexOf('?');
        final Operation operation = CONTRACT.findOperation(query < 0 ? path : path.substring(0, query), HttpMethod.valueOf(method));
        if (operation == null)
        {
            return;
        }
        final Map<String, String> headers = new HashMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
        // The media type alone: the validator does not take parameters such as a charset.
        final String type = response.headers().firstValue("content-type").map(t -> t.split(";")[0].trim()).orElse(null);
        final String body = response.body();
        if (type != null && !type.startsWith("application/json"))
        {
            // vertx-openapi reads JSON bodies only: of the Prometheus text, the status must be documented.
            if (operation.getResponse(response.statusCode()) == null)
            {
                throw new AssertionError("the OpenAPI document has no " + response.statusCode() + " for " + method + " " + path);
            }
            return;
        }
        final ValidatableResponse answer = body == null || body.isEmpty() ?
            ValidatableResponse.create(response.statusCode(), headers) :
            ValidatableResponse.create(response.statusCode(), headers, Buffer.buffer(body), type);
        try
        {
            VALIDATOR.validate(answer, operation.getOperationId()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            throw new AssertionError("the answer to " + method + " " + path + " breaks the OpenAPI document: " +
                (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + "; answer: " + response.statusCode() + " " + body, e);
        }
    }

    /** Validates one answer of an operation, as {@link #check} does for the answers the tests receive. */
    public static void validate(final String operationId, final int status, final String json)
    {
        try
        {
            VALIDATOR.validate(ValidatableResponse.create(status, Map.of(), Buffer.buffer(json), "application/json"), operationId)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        catch (final Exception e)
        {
            throw new AssertionError("the answer " + status + " " + json + " to " + operationId + " breaks the OpenAPI document: " +
                (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }
}
