package org.opencdp.activation.network;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which addresses destinations may reach: public ones only. Loopback, link-local (cloud metadata
 * included), private (RFC 1918, carrier-grade NAT, fc00::/7), unspecified, multicast and reserved
 * addresses are refused, also when written inside an IPv6 address (IPv4-mapped, IPv4-compatible,
 * NAT64, 6to4) or reached through a name that resolves to them.
 *
 * <p>An explicit allowlist ({@code cdp.activation.network.allow}: CIDR blocks, addresses or host
 * names) lets development setups reach local receivers. The cloud metadata endpoints can never be
 * allowed. Pure: no resolution here ({@link PublicAddressResolver} resolves and asks).
 */
public final class NetworkPolicy {

    /** Cloud metadata services: never reachable, whatever the allowlist says. */
    private static final List<Cidr> NEVER = cidrs("169.254.169.254/32", "169.254.170.2/32", "100.100.100.200/32",
            "fd00:ec2::254/128");

    private static final List<Forbidden> FORBIDDEN = List.of(
            new Forbidden("unspecified", cidrs("0.0.0.0/8", "::/128")),
            new Forbidden("loopback", cidrs("127.0.0.0/8", "::1/128")),
            new Forbidden("link-local", cidrs("169.254.0.0/16", "fe80::/10")),
            new Forbidden("private", cidrs("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10")),
            new Forbidden("carrier-grade NAT", cidrs("100.64.0.0/10")),
            new Forbidden("multicast", cidrs("224.0.0.0/4", "ff00::/8")),
            new Forbidden("reserved", cidrs("192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
                    "203.0.113.0/24", "240.0.0.0/4", "100::/64", "2001:db8::/32", "2001::/32")));

    private final List<Cidr> allowedBlocks;
    private final Set<String> allowedHosts;

    private NetworkPolicy(List<Cidr> allowedBlocks, Set<String> allowedHosts) {
        this.allowedBlocks = allowedBlocks;
        this.allowedHosts = allowedHosts;
    }

    /** Public addresses only. */
    public static NetworkPolicy publicOnly() {
        return new NetworkPolicy(List.of(), Set.of());
    }

    /**
     * Public addresses, plus what {@code allow} lists: CIDR blocks ({@code 127.0.0.0/8}), single
     * addresses ({@code ::1}) or host names ({@code host.docker.internal}, any address but metadata).
     *
     * @throws IllegalArgumentException for an entry that is none of those
     */
    public static NetworkPolicy allowing(Collection<String> allow) {
        List<Cidr> blocks = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        for (String raw : allow) {
            String entry = raw == null ? "" : raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.contains("/") || looksLikeAddress(entry)) {
                blocks.add(Cidr.parse(entry.contains("/") ? entry : entry + (entry.contains(":") ? "/128" : "/32")));
            } else if (entry.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
                hosts.add(entry.toLowerCase(Locale.ROOT));
            } else {
                throw new IllegalArgumentException("cdp.activation.network.allow: '" + entry
                        + "' is neither a CIDR block, an address nor a host name");
            }
        }
        return new NetworkPolicy(List.copyOf(blocks), Set.copyOf(hosts));
    }

    /**
     * Why {@code host}, resolved to {@code addresses}, may not be reached; empty when every address
     * may be. One forbidden address is enough to refuse: a name must not mix public and internal
     * answers. The reason names the kind of address, never the address itself.
     */
    public Optional<String> refusal(String host, InetAddress[] addresses) {
        if (addresses.length == 0) {
            return Optional.of("'" + host + "' resolves to no address");
        }
        boolean hostAllowed = allowedHosts.contains(normalHost(host));
        for (InetAddress address : addresses) {
            byte[] effective = effective(address);
            if (matchesAny(NEVER, effective) || matchesAny(NEVER, address.getAddress())) {
                return Optional.of("'" + host + "' resolves to a cloud metadata address, which is never reachable");
            }
            Optional<String> kind = kindOf(address);
            if (kind.isEmpty() || hostAllowed || matchesAny(allowedBlocks, effective)
                    || matchesAny(allowedBlocks, address.getAddress())) {
                continue;
            }
            return Optional.of("'" + host + "' resolves to a " + kind.get() + " address; destinations may reach "
                    + "public addresses only");
        }
        return Optional.empty();
    }

    /** The kind of non-public address {@code address} is ({@code loopback}, {@code private}…), or empty when public. */
    static Optional<String> kindOf(InetAddress address) {
        byte[] effective = effective(address);
        for (Forbidden forbidden : FORBIDDEN) {
            if (matchesAny(forbidden.blocks(), effective) || matchesAny(forbidden.blocks(), address.getAddress())) {
                return Optional.of(forbidden.kind());
            }
        }
        return Optional.empty();
    }

    /**
     * The IPv4 address an IPv6 address carries (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible
     * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002:aabb:ccdd::/16}), else the address itself.
     */
    static byte[] effective(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (!(address instanceof Inet6Address) || bytes.length != 16) {
            return bytes;
        }
        boolean firstTenZero = Arrays.equals(bytes, 0, 10, new byte[10], 0, 10);
        if (firstTenZero && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        if (firstTenZero && bytes[10] == 0 && bytes[11] == 0 && !allZero(bytes, 12, 15)) {
            // ::a.b.c.d, but not :: or ::1
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        if ((bytes[0] & 0xff) == 0x00 && (bytes[1] & 0xff) == 0x64 && (bytes[2] & 0xff) == 0xff
                && (bytes[3] & 0xff) == 0x9b && allZero(bytes, 4, 12)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        if ((bytes[0] & 0xff) == 0x20 && (bytes[1] & 0xff) == 0x02) {
            return Arrays.copyOfRange(bytes, 2, 6);
        }
        return bytes;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesAny(List<Cidr> blocks, byte[] address) {
        return blocks.stream().anyMatch(block -> block.contains(address));
    }

    static String normalHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean looksLikeAddress(String entry) {
        return entry.contains(":") || entry.matches("[0-9.]+");
    }

    private static List<Cidr> cidrs(String... blocks) {
        return Arrays.stream(blocks).map(Cidr::parse).toList();
    }

    @Override
    public String toString() {
        return "NetworkPolicy[public only, plus " + allowedBlocks.stream().map(Cidr::toString)
                .collect(Collectors.joining(", ")) + (allowedHosts.isEmpty() ? "" : ", hosts " + allowedHosts) + "]";
    }

    private record Forbidden(String kind, List<Cidr> blocks) {
    }

    /** An address block: the network's bytes and the prefix length. */
    record Cidr(byte[] network, int prefix, String text) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR block");
            }
            String addressPart = text.substring(0, slash);
            if (!looksLikeAddress(addressPart)) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR block");
            }
            byte[] network;
            try {
                // an address literal: parsed, never looked up
                network = InetAddress.getByName(addressPart).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR block");
            }
            if (addressPart.contains(":") && network.length == 4) {
                // ::ffff:a.b.c.d/n, which Java reads as IPv4: keep it as the IPv4 block it means
                int prefix = Integer.parseInt(text.substring(slash + 1)) - 96;
                return new Cidr(network, checkPrefix(text, prefix, 32), text);
            }
            int prefix;
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR block");
            }
            return new Cidr(network, checkPrefix(text, prefix, network.length * 8), text);
        }

        private static int checkPrefix(String text, int prefix, int bits) {
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix outside 0.." + bits);
            }
            return prefix;
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cidr cidr && cidr.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }
}
