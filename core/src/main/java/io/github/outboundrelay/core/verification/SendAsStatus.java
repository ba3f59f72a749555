package io.github.outboundrelay.core.verification;

/** Whether a send-as address may be used: a new address is pending until its owner proved it or an admin vouched. */
public enum SendAsStatus {
    PENDING,
    VERIFIED
}
