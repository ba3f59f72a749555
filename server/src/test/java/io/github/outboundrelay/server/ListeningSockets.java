package io.github.outboundrelay.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, read from Linux's /proc as {@code ss -ltnp} reads them: the socket inodes
 * among the process's file descriptors, looked up in the LISTEN entries of {@code /proc/<pid>/net/tcp} and
 * {@code tcp6}.
 */
final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    static List<InetSocketAddress> of(long pid) throws IOException {
        Set<String> inodes = socketInodes(pid);
        List<InetSocketAddress> listening = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "net", table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
                    listening.add(address(fields[1]));
                }
            }
        }
        return listening;
    }

    private static Set<String> socketInodes(long pid) throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return descriptors.map(ListeningSockets::linkTarget)
                .filter(target -> target.startsWith("socket:["))
                .map(target -> target.substring("socket:[".length(), target.length() - 1))
                .collect(Collectors.toSet());
        }
    }

    private static String linkTarget(Path descriptor) {
        try {
            return Files.readSymbolicLink(descriptor).toString();
        } catch (IOException e) {
            return ""; // closed since it was listed
        }
    }

    /** {@code 0100007F:2710}: the address in 32-bit words of host byte order (little-endian here), the port in hex. */
    private static InetSocketAddress address(String hexAddressAndPort) throws IOException {
        String[] parts = hexAddressAndPort.split(":");
        byte[] raw = HexFormat.of().parseHex(parts[0]);
        byte[] address = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                address[word + i] = raw[word + 3 - i];
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(address), Integer.parseInt(parts[1], 16));
    }
}
