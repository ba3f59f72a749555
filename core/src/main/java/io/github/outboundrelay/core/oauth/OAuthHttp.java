package io.github.outboundrelay.core.oauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.Printable;

/**
 * Sends the requests the Nimbus OAuth SDK builds ({@code toHTTPRequest()}) with our own java.net.http client and
 * hands its answer back as the SDK's {@link HTTPResponse}, for the SDK's {@code *Response.parse}. Ours, not the SDK's
 * HttpURLConnection, so that every request gets the same guard: the endpoint checked against the
 * {@link OAuthEndpointPolicy} before anything is sent, redirects never followed (a token request answered by a
 * redirect is an error, not an invitation to send the secret elsewhere), a time limit on connecting and on the whole
 * answer, and answers bounded in size. Every transport failure, a {@code 5xx} and a {@code 429} are
 * {@link OAuthException.Kind#TEMPORARY}. Nothing here logs: request bodies hold secrets and answers hold tokens.
 */
final class OAuthHttp {
    /** Token answers and discovery documents are a few KiB; a bigger answer is not one of them. */
    static final int MAX_ANSWER_BYTES = 256 * 1024;
    private static final int MAX_DESCRIPTION = 200;

    private final HttpClient client;
    private final Duration timeout;
    private final OAuthEndpointPolicy policy;

    OAuthHttp(OAuthEndpointPolicy policy, Duration timeout) {
        this.policy = policy;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    }

    /**
     * Sends {@code request} to its endpoint, checked first as the admin's {@code field}: an endpoint the policy refuses
     * (as it resolves now) is {@link OAuthException.Kind#MISCONFIGURED} and nothing is sent.
     */
    HTTPResponse send(HTTPRequest request, String field, String purpose) throws OAuthException {
        URI endpoint = request.getURI();
        try {
            policy.check(field, endpoint);
        } catch (InvalidFieldException e) {
            throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", "Nothing sent: " + e.getMessage());
        }
        HttpResponse<String> response;
        try {
            response = client.send(toJavaRequest(request), info -> new BoundedBody());
        } catch (IOException e) {
            if (e instanceof AnswerTooLarge || e.getCause() instanceof AnswerTooLarge) {
                throw new OAuthException(OAuthException.Kind.MISCONFIGURED, "", purpose + " at " + endpoint.getHost()
                    + " answered more than " + MAX_ANSWER_BYTES / 1024 + " KiB: not an OAuth answer");
            }
            throw new OAuthException(OAuthException.Kind.TEMPORARY, purpose + " at " + endpoint.getHost()
                + " could not be reached: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException(OAuthException.Kind.TEMPORARY, purpose + " was interrupted", e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429) {
            throw new OAuthException(OAuthException.Kind.TEMPORARY, "http_" + status, purpose + " at "
                + endpoint.getHost() + " answered HTTP " + status);
        }
        return toNimbusResponse(response);
    }

    private HttpRequest toJavaRequest(HTTPRequest request) {
        HttpRequest.BodyPublisher body = request.getBody() == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(request.getBody(), StandardCharsets.UTF_8);
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.getURI())
            .timeout(timeout)
            .method(request.getMethod().name(), body);
        request.getHeaderMap().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        if (request.getAccept() == null) {
            builder.header("Accept", "application/json");
        }
        return builder.build();
    }

    private static HTTPResponse toNimbusResponse(HttpResponse<String> response) {
        HTTPResponse answer = new HTTPResponse(response.statusCode());
        response.headers().firstValue("Content-Type").ifPresent(type -> {
            try {
                answer.setContentType(type);
            } catch (ParseException e) {
                // Left unset: the SDK then refuses to read the body as JSON, as for any answer that is not JSON.
            }
        });
        answer.setBody(response.body());
        return answer;
    }

    /** The provider's error and description, made safe to show and log (on one line, bounded). */
    static String describeError(ErrorObject error, int status) {
        String code = Printable.of(error.getCode() == null ? "" : error.getCode());
        String description = Printable.oneLine(error.getDescription() == null ? "" : error.getDescription());
        if (description.length() > MAX_DESCRIPTION) {
            description = description.substring(0, MAX_DESCRIPTION) + "...";
        }
        if (code.isEmpty()) {
            return "HTTP " + status;
        }
        return description.isEmpty() ? code : code + " (" + description + ")";
    }

    /** Thrown (through java.net.http, which wraps it) when an answer outgrows {@link #MAX_ANSWER_BYTES}. */
    private static final class AnswerTooLarge extends IOException {
        AnswerTooLarge() {
            super("answer larger than " + MAX_ANSWER_BYTES + " bytes");
        }
    }

    /** The answer's body as text, read up to {@link #MAX_ANSWER_BYTES} and refused (connection dropped) beyond. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_ANSWER_BYTES) {
                    subscription.cancel();
                    body.completeExceptionally(new AnswerTooLarge());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
