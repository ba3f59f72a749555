package io.github.outboundrelay.core.store;

import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;

/**
 * A map probe that finds, in a map keyed by {@link Username}, the key {@code Username.of(name)} would find, without
 * building that Username (two substrings, a Domain, its validation and lower-casing on every mail). Only for a name
 * already in Username's canonical form ({@link #isCanonical}): for such a name, {@code Username.of(name).asString()}
 * is the name itself when it is a valid Username, and a Username whose parts are the name's parts exists only when it
 * is. So probing with the parts gives exactly the answer of the Username, valid or not; any other name is parsed
 * into a Username by the caller.
 *
 * <p>{@link java.util.Map#get} compares {@code probe.equals(storedKey)} ({@code Objects.equals(key, k)} in its
 * contract), the only direction this one-sided equals is asked in. Its hash is {@link Username#hashCode}'s, computed
 * on the name's two parts; {@link #HASH_AS_USERNAME} checks once that James still hashes that way, and callers fall
 * back to the Username when it does not.</p>
 */
final class UsernameProbe {
    /** Whether the probe hashes as James's Username does (checked on two names; the probe is unused otherwise). */
    static final boolean HASH_AS_USERNAME = new UsernameProbe("probe@check.test").hashCode() == Username.of("probe@check.test").hashCode()
        && new UsernameProbe("probe").hashCode() == Username.of("probe").hashCode();

    private final String name;
    private final int at;
    private final int hash;

    /** @param name a name for which {@link #isCanonical} holds */
    UsernameProbe(String name) {
        this.name = name;
        this.at = name.indexOf('@');
        this.hash = at < 0 ? name.hashCode() : hash(name, 0, at) + 31 * hash(name, at + 1, name.length());
    }

    /**
     * Whether {@code name} may be probed as it is: not blank, at most {@link Username#MAXIMUM_MAIL_ADDRESS_LENGTH}
     * characters (Username.of refuses longer names), ASCII without upper-case letters (Username lower-cases both parts)
     * and without brackets (Domain takes them off an address literal).
     */
    static boolean isCanonical(String name) {
        int length = name.length();
        if (length == 0 || length > Username.MAXIMUM_MAIL_ADDRESS_LENGTH) {
            return false;
        }
        boolean blank = true;
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (c >= 0x80 || (c >= 'A' && c <= 'Z') || c == '[' || c == ']') {
                return false;
            }
            blank &= Character.isWhitespace(c);
        }
        return !blank;
    }

    /** {@link String#hashCode} of a part of {@code text}: its documented formula, on the characters of the range. */
    private static int hash(String text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text.charAt(i);
        }
        return h;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Username user)) {
            return false;
        }
        String localPart = user.getLocalPart();
        Optional<Domain> domain = user.getDomainPart();
        if (at < 0) {
            return domain.isEmpty() && localPart.equals(name);
        }
        if (domain.isEmpty() || localPart.length() != at || !name.startsWith(localPart)) {
            return false;
        }
        String domainName = domain.get().asString();
        return domainName.length() == name.length() - at - 1 && name.startsWith(domainName, at + 1);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "UsernameProbe[" + name + "]";
    }
}
