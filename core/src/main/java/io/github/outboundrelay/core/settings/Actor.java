package io.github.outboundrelay.core.settings;

/**
 * Who changes a send-as address: the user who owns it (self-service) or a domain admin (WebAdmin). Only an admin may
 * vouch for an address ({@code "verified": true}) instead of confirming a code.
 */
public enum Actor {
    USER,
    ADMIN
}
