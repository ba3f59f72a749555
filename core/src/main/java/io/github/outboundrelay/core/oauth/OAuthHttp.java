package io.github.outboundrelay.core.oauth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.github.outboundrelay.core.Printable;

/**
 * The HTTP side of talking to an authorization server, with java.net.http: form posts and JSON answers, redirects
 * never followed (a token request answered by a redirect is an error, not an invitation to send the secret elsewhere),
 * and every transport failure turned into a {@link OAuthException.Kind#TEMPORARY} failure. Nothing here logs: request
 * bodies hold secrets and answers hold tokens.
 */
final class OAuthHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DESCRIPTION = 200;

    record Answer(int status, JsonNode body) {
        String text(String field) {
            JsonNode node = body.path(field);
            return node.isValueNode() ? node.asText() : "";
        }

        /** A field the server chose that we repeat in a message or a log line ({@code error}, {@code issuer}): on one line. */
        String printable(String field) {
            return Printable.of(text(field));
        }

        boolean isSuccess() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient client;
    private final Duration timeout;

    OAuthHttp(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    }

    Answer postForm(URI endpoint, Map<String, String> form, String purpose) throws OAuthException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(formEncoded(form)))
            .build();
        return send(request, purpose);
    }

    Answer getJson(URI endpoint, String purpose) throws OAuthException {
        return send(HttpRequest.newBuilder(endpoint).timeout(timeout).header("Accept", "application/json").GET().build(), purpose);
    }

    private Answer send(HttpRequest request, String purpose) throws OAuthException {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new OAuthException(OAuthException.Kind.TEMPORARY, purpose + " at " + request.uri().getHost()
                + " could not be reached: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException(OAuthException.Kind.TEMPORARY, purpose + " was interrupted", e);
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429) {
            throw new OAuthException(OAuthException.Kind.TEMPORARY, "http_" + status, purpose + " at "
                + request.uri().getHost() + " answered HTTP " + status);
        }
        return new Answer(status, parse(response.body()));
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || !node.isObject() ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** The provider's error and description, made safe to show and log (on one line, bounded). */
    static String describeError(Answer answer) {
        String error = answer.printable("error");
        String description = Printable.oneLine(answer.text("error_description"));
        if (description.length() > MAX_DESCRIPTION) {
            description = description.substring(0, MAX_DESCRIPTION) + "...";
        }
        if (error.isEmpty()) {
            return "HTTP " + answer.status();
        }
        return description.isEmpty() ? error : error + " (" + description + ")";
    }

    static String formEncoded(Map<String, String> form) {
        return form.entrySet().stream()
            .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
            .collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
