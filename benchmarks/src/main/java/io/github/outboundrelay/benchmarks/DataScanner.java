package io.github.outboundrelay.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one message's DATA as it arrives, in blocks, without keeping it: where it ends (CRLF.CRLF, wherever the blocks
 * split it) and the value of its {@value SubmissionClient#ID_HEADER} header, looked for in its first bytes only.
 */
final class DataScanner {
    private static final byte[] TERMINATOR = {'\r', '\n', '.', '\r', '\n'};
    private static final byte[] ID_PREFIX = (SubmissionClient.ID_HEADER + ":").getBytes(StandardCharsets.US_ASCII);
    /** Enough for the header section James writes before the id header (Received, Return-Path, ...). */
    private static final int HEAD_BYTES = 16 * 1024;

    private final byte[] head = new byte[HEAD_BYTES];
    private int headLength;
    /** How many bytes of the terminator the bytes so far end with: 2 for the CRLF of the DATA command itself, so a
     * message whose first line is "." is an empty one. */
    private int matched = 2;

    /** Scans {@code block[from, to)}: the index just past the terminator if the message ends there, else -1. */
    int scan(byte[] block, int from, int to) {
        int end = -1;
        for (int i = from; i < to && end < 0; i++) {
            byte b = block[i];
            // No proper prefix of the terminator recurs inside it but "\r": a mismatch restarts there or at 0.
            matched = b == TERMINATOR[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == TERMINATOR.length) {
                end = i + 1;
            }
        }
        int kept = Math.min((end < 0 ? to : end) - from, head.length - headLength);
        System.arraycopy(block, from, head, headLength, kept);
        headLength += kept;
        return end;
    }

    /** The value of the first id header in the header section (before the first empty line), else null. */
    String id() {
        int lineStart = 0;
        while (lineStart < headLength && head[lineStart] != '\r' && head[lineStart] != '\n') {
            int lineEnd = lineStart;
            while (lineEnd < headLength && head[lineEnd] != '\n') {
                lineEnd++;
            }
            int valueStart = lineStart + ID_PREFIX.length;
            if (valueStart <= lineEnd && Arrays.equals(head, lineStart, valueStart, ID_PREFIX, 0, ID_PREFIX.length)) {
                return new String(head, valueStart, lineEnd - valueStart, StandardCharsets.US_ASCII).trim();
            }
            lineStart = lineEnd + 1;
        }
        return null;
    }
}
