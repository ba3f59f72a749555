package io.github.outboundrelay.selfservice;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Supplier;

import org.apache.james.core.Username;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.settings.Refusal;
import spark.Request;

/**
 * The filters of an admin page (its GET form, or the {@code back.} fields an action form carries), each read on its
 * own: one that cannot be read is left out and its refusal kept, to be shown next to its field (a 400 page). Also
 * the page number ({@code page}, from 1) and the links to other pages with the same filters.
 */
final class AdminFilters {
    private final Request request;
    private final String prefix;
    private final List<Refusal> errors = new ArrayList<>();

    AdminFilters(Request request, String prefix) {
        this.request = request;
        this.prefix = prefix;
    }

    /** The field as typed, trimmed; empty when absent. */
    String text(String name) {
        return PageRoutes.text(request, prefix + name);
    }

    /** Whether the field was sent at all (an emptied field is sent, empty). */
    boolean sent(String name) {
        return RequestGuard.field(request, prefix + name).isPresent();
    }

    /** The field read by {@code reading}, or {@code otherwise} (and the refusal kept) when it cannot be read. */
    <T> T read(Supplier<T> reading, T otherwise) {
        try {
            return reading.get();
        } catch (RuntimeException e) {
            errors.add(Refusal.of(e).orElseThrow(() -> e));
            return otherwise;
        }
    }

    int page() {
        String text = text("page");
        return text.isEmpty() ? 1 : read(() -> {
            try {
                int page = Integer.parseInt(text);
                if (page >= 1) {
                    return page;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new InvalidFieldException("page", "must be a whole number from 1");
        }, 1);
    }

    boolean anyError() {
        return !errors.isEmpty();
    }

    Optional<String> errorOf(String field) {
        return errors.stream().filter(error -> error.field().filter(field::equals).isPresent()).map(Refusal::message).findFirst();
    }

    /** A James user name as typed (any case): 400 naming {@code field} when it is not one. */
    static Username user(String text, String field) {
        try {
            return Username.of(text.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(field, "is not a user name (user@domain): " + e.getMessage());
        }
    }

    /** {@code path?name=value&...}, each value URL-encoded, the empty ones left out. */
    static String url(String path, Map<String, String> fields) {
        StringJoiner query = new StringJoiner("&", path + "?", "");
        fields.forEach((name, value) -> {
            if (!value.isEmpty()) {
                query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return query.toString();
    }
}
