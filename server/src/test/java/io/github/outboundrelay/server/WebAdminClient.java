package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The WebAdmin of a test's server, on 127.0.0.1. */
final class WebAdminClient {
    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    WebAdminClient(int port) {
        this.port = port;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** PUT with a JSON body (none when {@code json} is null), asserting the status. */
    void put(String path, String json, int expectedStatus) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        if (json == null) {
            request.PUT(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT " + path + ": " + response.body()).isEqualTo(expectedStatus);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
