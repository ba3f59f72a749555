package io.github.outboundrelay.server;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One {@code ./run} server of a test with several nodes: its process, ports and WebAdmin, and what the test reads from
 * it (the audit trail, a mailbox over IMAP, a queue's size).
 */
record RunNode(String name, ServerProcess process, RunPorts ports, WebAdminClient webAdmin) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The body of a WebAdmin GET, empty unless it answered 200. */
    String getOrEmpty(String path) throws Exception {
        HttpResponse<String> response = webAdmin.get(path);
        return response.statusCode() == 200 ? response.body() : "";
    }

    /** The user's relay attempts in the audit trail, per Message-ID, oldest first. */
    Map<String, List<JsonNode>> relayAttemptsByMessageId(String user) throws Exception {
        Map<String, List<JsonNode>> attempts = new HashMap<>();
        for (JsonNode attempt : JSON.readTree(getOrEmpty("/outbound-relay/audit?type=relay-attempt&limit=1000&user=" + user))) {
            attempts.computeIfAbsent(attempt.get("messageId").asText(), any -> new ArrayList<>()).add(attempt);
        }
        attempts.values().forEach(list -> list.sort(Comparator.comparing(RunNode::at)));
        return attempts;
    }

    /** When an audited attempt was made. */
    static Instant at(JsonNode attempt) {
        return Instant.parse(attempt.get("at").asText());
    }

    /** How many messages of the user's INBOX on this node (mailboxes are per node in ./run's server) contain the text. */
    int inboxMessagesContaining(String user, String password, String text) {
        Properties properties = new Properties();
        properties.put("mail.imap.host", "127.0.0.1");
        properties.put("mail.imap.port", String.valueOf(ports.imap()));
        try (Store store = Session.getInstance(properties).getStore("imap")) {
            store.connect(user, password);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            int matching = 0;
            for (Message message : inbox.getMessages()) {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                message.writeTo(raw);
                matching += raw.toString(StandardCharsets.UTF_8).contains(text) ? 1 : 0;
            }
            inbox.close(false);
            return matching;
        } catch (Exception e) {
            throw new AssertionError("Cannot read the INBOX of " + user + " on " + name, e);
        }
    }

    long queueSize(String queue) throws Exception {
        return JSON.readTree(getOrEmpty("/mailQueues/" + queue)).get("size").asLong();
    }
}
