package io.github.outboundrelay.selfservice;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import io.github.outboundrelay.core.settings.Refusal;

/**
 * What went wrong with one form of the page, by field, so that each message is shown next to its field; a refusal
 * that concerns no field is shown at the top of that form.
 */
final class FormErrors {
    static final String GENERAL = "";

    private final String formId;
    private final Map<String, String> byField = new HashMap<>();

    private FormErrors(String formId) {
        this.formId = formId;
    }

    static FormErrors none() {
        return new FormErrors("");
    }

    static FormErrors of(String formId, Refusal refusal) {
        FormErrors errors = new FormErrors(formId);
        errors.byField.put(refusal.field().orElse(GENERAL), refusal.message());
        return errors;
    }

    Optional<String> forField(String form, String field) {
        return form.equals(formId) ? Optional.ofNullable(byField.get(field)) : Optional.empty();
    }

    /** A message concerning a field the form does not show is shown at the top of the form. */
    Optional<String> general(String form, java.util.Set<String> shownFields) {
        if (!form.equals(formId)) {
            return Optional.empty();
        }
        return byField.entrySet().stream()
            .filter(entry -> !shownFields.contains(entry.getKey()))
            .map(Map.Entry::getValue)
            .findFirst();
    }

    boolean isFor(String form) {
        return form.equals(formId);
    }
}
