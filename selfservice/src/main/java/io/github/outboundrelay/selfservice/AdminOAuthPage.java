package io.github.outboundrelay.selfservice;

import java.util.List;

/**
 * The view of "OAuth providers" ({@code admin-oauth.mustache}): the redirect URI to register with each provider, the
 * providers set (id, name, client id, whether a client secret is set, relay), each with an edit form when it comes
 * from a preset and a Remove button, and the forms to add one from the presets (Microsoft 365, Google). The client
 * secret is write-only: its field is always empty.
 */
record AdminOAuthPage(AdminArea.Header header, String redirectUri, List<Provider> providers, List<ProviderForm> add) {

    /** {@code edit} is null for a provider set otherwise than from a preset (WebAdmin's issuer or endpoints). */
    record Provider(String id, String rowId, String label, String clientId, String clientSecret, String relay,
                    ProviderForm edit, String error) {
    }

    /** A form saving a provider from {@code preset}; {@code providerId} is set when it edits that provider. */
    record ProviderForm(String id, String title, String preset, String mode, String providerId, String error, boolean open,
                        List<SendAsPage.Field> fields, String button) {
    }

    String csrf() {
        return header.csrf();
    }

    boolean any() {
        return !providers.isEmpty();
    }
}
